package dev.tandem.test.fix;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays a {@link DefScript} against an acceptor over real TCP connections, step by step, and fails with an
 * {@link AssertionError} at the first step that does not go as the script says: the script name and line, the
 * expected and the received message, the rules broken (see {@link MessageMatcher}), and a transcript of the last
 * messages exchanged.
 * <p>
 * {@code I} lines: {@code <TIME>}, {@code <TIME-n>} and {@code <TIME+n>} become the current UTC time shifted by
 * {@code n} seconds as {@code yyyyMMdd-HH:mm:ss}; BodyLength (9) is inserted after BeginString and CheckSum (10)
 * appended when the line has none; a line that has them is sent as written (that is how scripts send bad values).
 * <p>
 * Every wait is bounded: {@link Context#receiveTimeout(Duration)} for each expected message,
 * {@link Context#disconnectTimeout(Duration)} for each expected disconnect. All connections are closed when the run
 * ends, whether it passed or not.
 * <p>
 * Not thread safe: one runner runs one script at a time; use one runner per thread.
 */
public final class DefScriptRunner
{
    private static final Pattern TIME = Pattern.compile("<TIME(?:([+-])(\\d+))?>");
    private static final DateTimeFormatter UTC_SECONDS =
        DateTimeFormatter.ofPattern("yyyyMMdd-HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final int TRANSCRIPT_LINES = 24;

    private final Context context;
    private final MessageMatcher matcher;
    private final Map<Integer, FixTestClient> connections = new TreeMap<>();
    private final Deque<String> transcript = new ArrayDeque<>();
    private long startNs;

    /**
     * Configuration of a runner. Fluent; {@link #conclude()} validates and fills in defaults.
     */
    public static final class Context
    {
        /** Default bound on waiting for one expected message: above two heartbeat intervals of the scripts' 6 s. */
        public static final Duration DEFAULT_RECEIVE_TIMEOUT = Duration.ofSeconds(20);
        /** Default bound on waiting for an expected disconnect: a heartbeat timeout of a 6 s interval plus slack. */
        public static final Duration DEFAULT_DISCONNECT_TIMEOUT = Duration.ofSeconds(20);
        /** Default bound on a TCP connect on loopback. */
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

        private InetSocketAddress address;
        private FieldPatterns patterns;
        private Duration receiveTimeout = DEFAULT_RECEIVE_TIMEOUT;
        private Duration disconnectTimeout = DEFAULT_DISCONNECT_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private Set<Integer> toleratedExtraTags = Set.of();
        private boolean skipUnsolicitedHeartbeats;
        private java.util.function.IntConsumer beforeConnect = connection -> {};
        private final Map<Integer, InetSocketAddress> connectionAddresses = new TreeMap<>();

        /** @param address where the acceptor listens; required, loopback in tests. @return this */
        public Context address(final InetSocketAddress address)
        {
            this.address = address;
            return this;
        }

        /**
         * Where one numbered connection goes instead of {@link #address(InetSocketAddress)}: e.g. connection 2 of a
         * failover scenario to the secondary node.
         *
         * @param connection the number after {@code i} in {@code i2CONNECT} (1 when none).
         * @param address    its acceptor.
         * @return this
         */
        public Context address(final int connection, final InetSocketAddress address)
        {
            connectionAddresses.put(connection, address);
            return this;
        }

        /** @param patterns the pattern fields ({@code fields.fmt}); required. @return this */
        public Context patterns(final FieldPatterns patterns)
        {
            this.patterns = patterns;
            return this;
        }

        /** @param timeout bound on waiting for each expected message. @return this */
        public Context receiveTimeout(final Duration timeout)
        {
            this.receiveTimeout = timeout;
            return this;
        }

        /** @param timeout bound on waiting for each expected disconnect. @return this */
        public Context disconnectTimeout(final Duration timeout)
        {
            this.disconnectTimeout = timeout;
            return this;
        }

        /** @param timeout bound on each TCP connect. @return this */
        public Context connectTimeout(final Duration timeout)
        {
            this.connectTimeout = timeout;
            return this;
        }

        /** @param clock the source of {@code <TIME>}; UTC system clock by default. @return this */
        public Context clock(final Clock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * Exempts tags from the "no unexpected field" rule. Only for recording a known deviation of a reference engine
         * (QuickFIX/J); never for our own engine.
         *
         * @param tags the tags; empty by default.
         * @return this
         */
        public Context tolerateExtraFields(final Set<Integer> tags)
        {
            this.toleratedExtraTags = Set.copyOf(tags);
            return this;
        }

        /**
         * Passes over a Heartbeat without TestReqID (112) where the script expects another message. Only for a
         * reference engine whose heartbeat timer fires when it likes (QuickFIX/J sends one right after a Logon now
         * and then); never for our own engine, whose heartbeats the scripts check.
         *
         * @return this
         */
        public Context skipUnsolicitedHeartbeats()
        {
            this.skipUnsolicitedHeartbeats = true;
            return this;
        }

        /**
         * Runs before every {@code iCONNECT}: a bounded wait until the acceptor has finished with the previous
         * connection, for a reference engine that tears sessions down on another thread (QuickFIX/J). Nothing by
         * default.
         *
         * @param beforeConnect the wait; it must itself be bounded by a deadline.
         * @return this
         */
        public Context beforeConnect(final Runnable beforeConnect)
        {
            this.beforeConnect = connection -> beforeConnect.run();
            return this;
        }

        /**
         * Runs before every {@code iCONNECT} with the number of the connection about to open: e.g. a failover test
         * kills the primary and waits for the secondary to be Hot before connection 2. It must itself be bounded by
         * a deadline.
         *
         * @param beforeConnect the action.
         * @return this
         */
        public Context beforeConnect(final java.util.function.IntConsumer beforeConnect)
        {
            this.beforeConnect = beforeConnect;
            return this;
        }

        /**
         * Validates the configuration.
         *
         * @return this
         * @throws IllegalArgumentException naming the key and the bad value.
         */
        public Context conclude()
        {
            if (address == null)
            {
                throw new IllegalArgumentException("address must be set (the acceptor's host and port), was null");
            }
            if (patterns == null)
            {
                throw new IllegalArgumentException("patterns must be set (load fields.fmt), was null");
            }
            positive("receiveTimeout", receiveTimeout);
            positive("disconnectTimeout", disconnectTimeout);
            positive("connectTimeout", connectTimeout);
            if (clock == null)
            {
                throw new IllegalArgumentException("clock must not be null");
            }
            return this;
        }

        private static void positive(final String key, final Duration value)
        {
            if (value == null || value.isNegative() || value.isZero())
            {
                throw new IllegalArgumentException(key + " must be a positive duration, was " + value);
            }
        }
    }

    /**
     * What a passing run did, for logs.
     *
     * @param script  the script name.
     * @param sent    messages sent.
     * @param matched messages expected and matched.
     * @param elapsed wall-clock time of the run.
     */
    public record Report(String script, int sent, int matched, Duration elapsed)
    {
    }

    /**
     * @param context the configuration; concluded here.
     */
    public DefScriptRunner(final Context context)
    {
        this.context = context.conclude();
        this.matcher = new MessageMatcher(context.patterns, context.toleratedExtraTags);
    }

    /**
     * Runs every step of {@code script}.
     *
     * @param script the script.
     * @return what was done.
     * @throws AssertionError at the first step that fails, with the details described on the type.
     */
    public Report run(final DefScript script)
    {
        startNs = System.nanoTime();
        transcript.clear();
        int sent = 0;
        int matched = 0;
        try
        {
            for (final DefScript.Step step : script.steps())
            {
                if (step instanceof DefScript.Connect connect)
                {
                    if (connections.containsKey(connect.connection()))
                    {
                        throw fail(script, step, "connection " + connect.connection() + " is already open");
                    }
                    context.beforeConnect.accept(connect.connection());
                    connections.put(connect.connection(), FixTestClient.connect(
                        context.connectionAddresses.getOrDefault(connect.connection(), context.address),
                        context.connectTimeout));
                    note(connect.connection(), "connected");
                }
                else if (step instanceof DefScript.Disconnect disconnect)
                {
                    final FixTestClient client = connections.remove(disconnect.connection());
                    if (client != null)
                    {
                        client.close();
                    }
                    note(disconnect.connection(), "disconnected by us");
                }
                else if (step instanceof DefScript.ExpectDisconnect expectDisconnect)
                {
                    final FixTestClient client = client(script, step);
                    final List<FixMessage> extra;
                    try
                    {
                        extra = client.awaitDisconnect(context.disconnectTimeout);
                    }
                    catch (final AssertionError ex)
                    {
                        throw fail(script, step, "expected the acceptor to disconnect: " + ex.getMessage());
                    }
                    for (final FixMessage message : extra)
                    {
                        note(expectDisconnect.connection(), "<< " + message);
                    }
                    if (!extra.isEmpty())
                    {
                        throw fail(script, step, "expected a disconnect but first received " + extra.size() +
                            " message(s): " + extra);
                    }
                    note(expectDisconnect.connection(), "disconnected by acceptor (" + client.endReason() + ")");
                    connections.remove(expectDisconnect.connection()).close();
                }
                else if (step instanceof DefScript.Send send)
                {
                    final byte[] bytes = render(send.template(), context.clock.instant());
                    final FixTestClient client = client(script, step);
                    try
                    {
                        client.send(bytes);
                    }
                    catch (final UncheckedIOException ex)
                    {
                        throw fail(script, step, "could not send " + text(bytes) + ": " + ex.getMessage());
                    }
                    note(send.connection(), ">> " + text(bytes));
                    sent++;
                }
                else if (step instanceof DefScript.Expect expect)
                {
                    final FixTestClient client = client(script, step);
                    final boolean expectsHeartbeat = expect.fields().stream()
                        .anyMatch(field -> field.tag() == 35 && "0".equals(field.value()));
                    FixMessage received;
                    try
                    {
                        received = client.receive(context.receiveTimeout);
                        while (context.skipUnsolicitedHeartbeats && !expectsHeartbeat && received != null &&
                            "0".equals(received.msgType()) && received.value(112) == null)
                        {
                            note(expect.connection(), "<< " + received + " (unsolicited Heartbeat, passed over)");
                            received = client.receive(context.receiveTimeout);
                        }
                    }
                    catch (final AssertionError ex)
                    {
                        throw fail(script, step, "expected " + expect.text().replace('\u0001', '|') + "\n  " +
                            ex.getMessage());
                    }
                    if (received == null)
                    {
                        throw fail(script, step, "expected " + expect.text().replace('\u0001', '|') +
                            "\n  but the acceptor closed the connection (" + client.endReason() + ")");
                    }
                    note(expect.connection(), "<< " + received);
                    final List<String> problems = matcher.mismatches(expect.fields(), received);
                    if (!problems.isEmpty())
                    {
                        throw fail(script, step, "expected " + expect.text().replace('\u0001', '|') +
                            "\n  received " + received + "\n  problems:\n    - " + String.join("\n    - ", problems));
                    }
                    matched++;
                }
            }
            return new Report(script.name(), sent, matched, Duration.ofNanos(System.nanoTime() - startNs));
        }
        finally
        {
            for (final FixTestClient client : connections.values())
            {
                client.close();
            }
            connections.clear();
        }
    }

    /**
     * Turns an {@code I} line into the bytes to send, as described on the type.
     *
     * @param template the line after {@code I} (and the connection number).
     * @param now      the time for {@code <TIME>}.
     * @return the bytes.
     */
    public static byte[] render(final String template, final Instant now)
    {
        final Matcher time = TIME.matcher(template);
        final StringBuilder substituted = new StringBuilder();
        while (time.find())
        {
            long shiftSeconds = 0;
            if (time.group(1) != null)
            {
                shiftSeconds = Long.parseLong(time.group(2)) * ("-".equals(time.group(1)) ? -1 : 1);
            }
            time.appendReplacement(substituted, UTC_SECONDS.format(now.plusSeconds(shiftSeconds)));
        }
        time.appendTail(substituted);
        String text = substituted.toString();
        if (!text.endsWith("\u0001"))
        {
            text = text + '\u0001';
        }

        final List<String> fields = new ArrayList<>(List.of(text.substring(0, text.length() - 1).split("\u0001", -1)));
        final boolean hasBodyLength = fields.size() > 1 && fields.get(1).startsWith("9=");
        final boolean hasCheckSum = fields.get(fields.size() - 1).startsWith("10=");
        if (!hasBodyLength)
        {
            final int bodyEnd = hasCheckSum ? fields.size() - 1 : fields.size();
            int bodyLength = 0;
            for (int i = 1; i < bodyEnd; i++)
            {
                bodyLength += fields.get(i).length() + 1;
            }
            fields.add(1, "9=" + bodyLength);
        }
        final StringBuilder out = new StringBuilder();
        for (final String field : fields)
        {
            out.append(field).append('\u0001');
        }
        if (!hasCheckSum)
        {
            final byte[] soFar = out.toString().getBytes(StandardCharsets.ISO_8859_1);
            out.append("10=").append(String.format("%03d", FixMessage.checkSum(soFar, 0, soFar.length)))
                .append('\u0001');
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private FixTestClient client(final DefScript script, final DefScript.Step step)
    {
        final FixTestClient client = connections.get(step.connection());
        if (client == null)
        {
            throw fail(script, step, "connection " + step.connection() + " is not open");
        }
        return client;
    }

    private void note(final int connection, final String event)
    {
        final long ms = (System.nanoTime() - startNs) / 1_000_000L;
        transcript.addLast(String.format("%6d ms [%d] %s", ms, connection, event));
        if (transcript.size() > TRANSCRIPT_LINES)
        {
            transcript.removeFirst();
        }
    }

    private AssertionError fail(final DefScript script, final DefScript.Step step, final String what)
    {
        return new AssertionError(script.name() + ":" + step.line() + " (" + step.getClass().getSimpleName() +
            " on connection " + step.connection() + "): " + what + "\n  transcript (last " + transcript.size() +
            " events):\n    " + String.join("\n    ", transcript));
    }

    private static String text(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.ISO_8859_1).replace('\u0001', '|');
    }
}
