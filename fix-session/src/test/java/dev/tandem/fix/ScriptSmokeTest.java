package dev.tandem.fix;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A quick self-check of the acceptor against the shared QuickFIX acceptance scripts with an echo application (the
 * full conformance runner belongs to the harness). Fields are compared by value except times, CheckSum, BodyLength
 * and free text; script 6 (real-time heartbeats, ~30 s) is covered by BadInputTest with a jumping clock instead.
 */
class ScriptSmokeTest
{
    private static final Path SCRIPTS = Paths.get(System.getProperty("tandem.shared.dir", "../../shared"))
        .resolve("fix-acceptance/fix44");

    @TestFactory
    Stream<DynamicTest> shouldPassAcceptanceScripts() throws IOException
    {
        if (!Files.isDirectory(SCRIPTS))
        {
            return Stream.empty();
        }
        return Files.list(SCRIPTS)
            .filter((path) -> path.toString().endsWith(".def") && !path.getFileName().toString().startsWith("6_"))
            .sorted()
            .map((path) -> DynamicTest.dynamicTest(path.getFileName().toString(), () -> run(path)));
    }

    private static void run(final Path script)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(script, StandardCharsets.ISO_8859_1);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        try (AcceptorFixture fixture = new AcceptorFixture())
        {
            final Map<Integer, RawFixClient> clients = new HashMap<>();
            try
            {
                for (final String raw : lines)
                {
                    final String line = raw.strip();
                    if (line.isEmpty() || line.startsWith("#"))
                    {
                        continue;
                    }
                    final char action = line.charAt(0);
                    int index = 1;
                    int connection = 1;
                    final int comma = line.indexOf(',');
                    if (comma > 0 && comma < 4 && Character.isDigit(line.charAt(1)))
                    {
                        connection = Integer.parseInt(line.substring(1, comma));
                        index = comma + 1;
                    }
                    final String body = line.substring(index).replace('\u0001', '|');
                    if (body.startsWith("CONNECT") && action == 'i')
                    {
                        clients.put(connection, fixture.client());
                    }
                    else if (body.startsWith("DISCONNECT") && action == 'e')
                    {
                        clients.remove(connection).expectDisconnect();
                    }
                    else if (body.startsWith("DISCONNECT") && action == 'i')
                    {
                        clients.remove(connection).close();
                    }
                    else if (action == 'I')
                    {
                        clients.get(connection).send(body);
                    }
                    else if (action == 'E')
                    {
                        final String received = clients.get(connection).receive();
                        assertMatches(script.getFileName() + ": " + line, body, received);
                    }
                }
            }
            finally
            {
                clients.values().forEach(RawFixClient::close);
            }
        }
    }

    private static void assertMatches(final String context, final String expected, final String received)
    {
        final List<String[]> want = fields(expected);
        final List<String[]> got = fields(received);
        assertEquals("8", got.get(0)[0], context);
        assertEquals("9", got.get(1)[0], context);
        assertEquals("35", got.get(2)[0], context);
        final Map<String, String> gotByTag = new HashMap<>();
        for (final String[] field : got)
        {
            assertTrue(gotByTag.put(field[0], field[1]) == null, context + ": duplicate tag " + field[0] + " in " +
                received);
        }
        for (final String[] field : want)
        {
            final String tag = field[0];
            assertTrue(gotByTag.containsKey(tag), context + ": missing tag " + tag + " in " + received);
            if (!tag.equals("9") && !tag.equals("10") && !tag.equals("52") && !tag.equals("122") &&
                !tag.equals("60") && !tag.equals("58"))
            {
                assertEquals(field[1], gotByTag.get(tag), context + ": tag " + tag + " in " + received);
            }
        }
        final Map<String, String> wantByTag = new HashMap<>();
        want.forEach((field) -> wantByTag.put(field[0], field[1]));
        for (final String[] field : got)
        {
            assertTrue(wantByTag.containsKey(field[0]) || field[0].equals("58") || field[0].equals("10") ||
                field[0].equals("9"), context + ": unexpected tag " + field[0] + " in " + received);
        }
    }

    private static List<String[]> fields(final String message)
    {
        final List<String[]> fields = new ArrayList<>();
        for (final String field : message.split("\\|"))
        {
            if (!field.isEmpty())
            {
                final int eq = field.indexOf('=');
                fields.add(new String[]{ field.substring(0, eq), field.substring(eq + 1) });
            }
        }
        return fields;
    }
}
