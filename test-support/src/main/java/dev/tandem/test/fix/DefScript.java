package dev.tandem.test.fix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed QuickFIX acceptance script ({@code .def}): the steps a counterparty takes against an acceptor.
 * <p>
 * Line format: {@code #} comments and blank lines are skipped; {@code iCONNECT}, {@code iDISCONNECT} and
 * {@code eDISCONNECT} open, close, or expect the close of a connection; {@code I<message>} sends, {@code E<message>}
 * expects. A number after the letter ({@code i2CONNECT}, {@code I2,8=...}, {@code E2,8=...}) names one of several
 * connections; without one, connection 1 is meant. An unknown line is a parse error naming the file and line.
 * Immutable; safe to share between threads.
 *
 * @param name  the file name, e.g. {@code 2b_MsgSeqNumTooHigh.def}.
 * @param steps the steps in order.
 */
public record DefScript(String name, List<Step> steps)
{
    private static final Pattern CONNECTION_LINE = Pattern.compile("([ie])(\\d*)(CONNECT|DISCONNECT)\\s*");
    private static final Pattern MESSAGE_LINE = Pattern.compile("([IE])(?:(\\d+),)?(.*)", Pattern.DOTALL);

    /** One step of a script. */
    public sealed interface Step permits Connect, Disconnect, ExpectDisconnect, Send, Expect
    {
        /** @return the connection number the step applies to, 1 unless the script names another. */
        int connection();

        /** @return the 1-based line number in the script. */
        int line();
    }

    /** Open a TCP connection to the acceptor. */
    public record Connect(int connection, int line) implements Step
    {
    }

    /** Close our side of the connection. */
    public record Disconnect(int connection, int line) implements Step
    {
    }

    /** The acceptor must close the connection (after sending nothing more). */
    public record ExpectDisconnect(int connection, int line) implements Step
    {
    }

    /**
     * Send a message built from {@code template}: SOH-delimited fields, {@code <TIME>} placeholders, BodyLength and
     * CheckSum added when absent.
     */
    public record Send(int connection, int line, String template) implements Step
    {
    }

    /** The next message received must match {@code fields} under the fair rules of {@link MessageMatcher}. */
    public record Expect(int connection, int line, String text, List<FixField> fields) implements Step
    {
    }

    /**
     * Reads and parses a script file.
     *
     * @param file the {@code .def} file.
     * @return the script.
     * @throws IllegalArgumentException for a line the format does not allow, naming the file and line.
     */
    public static DefScript parse(final Path file)
    {
        try
        {
            return parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.ISO_8859_1));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read acceptance script " + file.toAbsolutePath(), ex);
        }
    }

    /**
     * Parses script lines.
     *
     * @param name  the script name for messages.
     * @param lines the lines without line terminators.
     * @return the script.
     */
    public static DefScript parse(final String name, final List<String> lines)
    {
        final List<Step> steps = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final int lineNo = i + 1;
            final String raw = lines.get(i);
            final String line = stripLineEnd(raw);
            if (line.isBlank() || line.startsWith("#"))
            {
                continue;
            }
            final Matcher connection = CONNECTION_LINE.matcher(line);
            if (connection.matches())
            {
                final int conn = connectionNumber(connection.group(2));
                final boolean initiate = "i".equals(connection.group(1));
                final boolean connect = "CONNECT".equals(connection.group(3));
                if (initiate && connect)
                {
                    steps.add(new Connect(conn, lineNo));
                }
                else if (initiate)
                {
                    steps.add(new Disconnect(conn, lineNo));
                }
                else if (!connect)
                {
                    steps.add(new ExpectDisconnect(conn, lineNo));
                }
                else
                {
                    throw new IllegalArgumentException(name + ":" + lineNo + ": 'eCONNECT' is not a step: " + line);
                }
                continue;
            }
            final Matcher message = MESSAGE_LINE.matcher(line);
            if (message.matches() && message.group(3).startsWith("8="))
            {
                final int conn = connectionNumber(message.group(2));
                final String body = message.group(3);
                if ("I".equals(message.group(1)))
                {
                    steps.add(new Send(conn, lineNo, body));
                }
                else
                {
                    steps.add(new Expect(conn, lineNo, body, FixMessage.parse(
                        body.getBytes(StandardCharsets.ISO_8859_1)).fields()));
                }
                continue;
            }
            throw new IllegalArgumentException(name + ":" + lineNo + ": not a .def step: '" +
                line.replace('\u0001', '|') + "'");
        }
        return new DefScript(name, Collections.unmodifiableList(steps));
    }

    private static int connectionNumber(final String digits)
    {
        return digits == null || digits.isEmpty() ? 1 : Integer.parseInt(digits);
    }

    private static String stripLineEnd(final String line)
    {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n'))
        {
            end--;
        }
        return line.substring(0, end);
    }

    @Override
    public String toString()
    {
        return name;
    }
}
