package dev.tandem.benchmarks.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * The load generator of the node-level harness: one independent FIX 4.4 initiator written against the wire (no FIX
 * engine of ours or QuickFIX/J's on the client side, so every acceptor is measured by the same client), sending
 * NewOrderSingles at a fixed rate and timing each echoed answer from the order's <em>intended</em> send time.
 * <p>
 * Coordinated omission is corrected by construction: order {@code i} of a run is due at {@code start + i / rate}; if
 * the client or the acceptor fell behind, the order still goes out (late) and its round trip still counts from when
 * it was due, so a stall is charged to every order queued behind it. The client is open-loop: it does not wait for
 * an answer before sending the next order.
 * <p>
 * The client logs on with {@code ResetSeqNumFlag=Y}; an answer is any application message carrying the ClOrdID (11) of
 * an order (an echoed NewOrderSingle or an ExecutionReport); a Logon that comes back is the Logon's answer (so a raw
 * byte-echo server, which returns the client's own Logon, is measured by the same client). A TestRequest is answered;
 * a Reject, BusinessMessageReject or Logout fails the run loudly.
 * <p>
 * Threading: {@link #logon}, {@link #run} and {@link #close} from one driving thread (which also sends the orders);
 * a daemon thread reads the socket. Writes are serialised by a lock (the reader answers TestRequests).
 */
public final class FixLoadClient implements AutoCloseable
{
    private static final byte SOH = 1;
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    /** Start a run this long after it is set up, so the first order is not already late. */
    private static final long START_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The sender parks until this close to an order's due time, then yields until it is due: pacing at 50 us. */
    private static final long SPIN_WINDOW_NS = 60_000;

    private final SocketChannel channel;
    private final String senderCompId;
    private final String targetCompId;
    private final int heartbeatSec;
    private final Thread reader;
    private final Object writeLock = new Object();
    private final ByteBuffer out = ByteBuffer.allocateDirect(4096);
    private final byte[] body = new byte[1024];
    /** Guarded by {@code writeLock}: the header's SendingTime and the header bytes. */
    private final SendingTime headerTime = new SendingTime();
    private final byte[] header = new byte[256];
    /** The driving thread's: TransactTime in the order body. */
    private final SendingTime transactTime = new SendingTime();
    private int nextSeqNum = 1;
    private volatile boolean loggedOn;
    private volatile String failure;
    private volatile Run current;
    private long nextClOrdId = 1;

    private FixLoadClient(final SocketChannel channel, final String senderCompId, final String targetCompId,
        final int heartbeatSec)
    {
        this.channel = channel;
        this.senderCompId = senderCompId;
        this.targetCompId = targetCompId;
        this.heartbeatSec = heartbeatSec;
        this.reader = new Thread(this::readLoop, "fix-load-client-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Connects to {@code host:port} (loopback); does not log on yet. */
    public static FixLoadClient connect(final String host, final int port, final String senderCompId,
        final String targetCompId, final int heartbeatSec)
    {
        try
        {
            final SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(new InetSocketAddress(host, port));
            return new FixLoadClient(channel, senderCompId, targetCompId, heartbeatSec);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, ex);
        }
    }

    /** Sends a Logon and waits for the answer; fails after {@code timeoutMs}. */
    public void logon(final long timeoutMs)
    {
        final int length = append(0, "98=0\u0001108=" + heartbeatSec + "\u0001141=Y\u0001");
        send("A", body, length);
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!loggedOn)
        {
            checkFailure();
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("no Logon answer within " + timeoutMs + " ms");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * Sends {@code warmupOrders + measuredOrders} NewOrderSingles at {@code ratePerSec}, waits for every answer (up to
     * the run's nominal length plus {@code graceMs}), and returns the round trips of the measured ones.
     *
     * @return the result; {@link RunResult#complete()} is false when answers were still missing at the deadline.
     */
    public RunResult run(final int ratePerSec, final int warmupOrders, final int measuredOrders, final long graceMs)
    {
        if (ratePerSec <= 0 || warmupOrders < 0 || measuredOrders <= 0)
        {
            throw new IllegalArgumentException("rate " + ratePerSec + ", warm-up " + warmupOrders + ", measured " +
                measuredOrders + ": rate and measured must be > 0, warm-up >= 0");
        }
        final int total = warmupOrders + measuredOrders;
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / ratePerSec;
        final Run run = new Run(nextClOrdId, warmupOrders, total, intervalNs, System.nanoTime() + START_DELAY_NS);
        nextClOrdId += total;
        current = run;
        for (int i = 0; i < total; i++)
        {
            final long dueNs = run.startNs + i * intervalNs;
            long now;
            while ((now = System.nanoTime()) - dueNs < 0)
            {
                if (dueNs - now > SPIN_WINDOW_NS)
                {
                    LockSupport.parkNanos(dueNs - now - SPIN_WINDOW_NS);
                }
                else
                {
                    // yield, not spin: on a small host the acceptor's threads share the client's cores, and a
                    // sender spinning through every 50 us interval at 20,000/s would hold a whole core they need
                    Thread.yield();
                }
            }
            checkFailure();
            sendOrder(run.firstClOrdId + i);
        }
        final long deadline = run.startNs + total * intervalNs + TimeUnit.MILLISECONDS.toNanos(graceMs);
        while (run.answers < total && System.nanoTime() - deadline < 0)
        {
            checkFailure();
            LockSupport.parkNanos(200_000);
        }
        current = null;
        return new RunResult(ratePerSec, run.histogram, run.answers, total);
    }

    private void sendOrder(final long clOrdId)
    {
        int at = append(0, "11=");
        at = appendLong(at, clOrdId);
        at = append(at, "\u000121=1\u000155=TNDM\u000154=1\u000160=");
        at = transactTime.format(body, at, System.currentTimeMillis());
        at = append(at, "\u000140=2\u000138=100\u000144=101.25\u0001");
        send("D", body, at);
    }

    private void send(final String msgType, final byte[] bodyFields, final int bodyFieldsLength)
    {
        synchronized (writeLock)
        {
            // header after BodyLength: 35, 34, 49, 56, 52
            int h = put(header, 0, "35=");
            h = put(header, h, msgType);
            h = put(header, h, "\u000134=");
            h = putLong(header, h, nextSeqNum++);
            h = put(header, h, "\u000149=");
            h = put(header, h, senderCompId);
            h = put(header, h, "\u000156=");
            h = put(header, h, targetCompId);
            h = put(header, h, "\u000152=");
            h = headerTime.format(header, h, System.currentTimeMillis());
            header[h++] = SOH;
            final int bodyLength = h + bodyFieldsLength;
            out.clear();
            putAscii(out, "8=FIX.4.4\u00019=");
            final int digits = putLong(header, h, bodyLength) - h;
            out.put(header, h, digits);
            out.put(SOH);
            out.put(header, 0, h);
            out.put(bodyFields, 0, bodyFieldsLength);
            int checksum = 0;
            for (int i = 0; i < out.position(); i++)
            {
                checksum += out.get(i);
            }
            checksum &= 0xFF;
            out.put((byte)'1').put((byte)'0').put((byte)'=');
            out.put((byte)('0' + checksum / 100)).put((byte)('0' + checksum / 10 % 10)).put((byte)('0' + checksum % 10));
            out.put(SOH);
            out.flip();
            try
            {
                while (out.hasRemaining())
                {
                    channel.write(out);
                }
            }
            catch (final IOException ex)
            {
                fail("write failed: " + ex);
                throw new UncheckedIOException(ex);
            }
        }
    }

    private void readLoop()
    {
        final ByteBuffer in = ByteBuffer.allocate(1 << 20);
        final byte[] bytes = in.array();
        try
        {
            while (true)
            {
                if (channel.read(in) < 0)
                {
                    fail("the acceptor closed the connection");
                    return;
                }
                final long nowNs = System.nanoTime();
                int start = 0;
                final int end = in.position();
                int consumed;
                while ((consumed = onMessage(bytes, start, end, nowNs)) > 0)
                {
                    start += consumed;
                }
                System.arraycopy(bytes, start, bytes, 0, end - start);
                in.position(end - start);
                if (!in.hasRemaining())
                {
                    fail("a message longer than " + in.capacity() + " bytes");
                    return;
                }
            }
        }
        catch (final IOException ex)
        {
            if (channel.isOpen())
            {
                fail("read failed: " + ex);
            }
        }
        catch (final RuntimeException ex)
        {
            fail("reader failed: " + ex);
        }
    }

    /** Handles one whole message at {@code start}; returns its length, or 0 when it is not complete yet. */
    private int onMessage(final byte[] bytes, final int start, final int end, final long nowNs)
    {
        // 8=FIX.4.4<SOH>9=<len><SOH> ... 10=nnn<SOH>
        final int beginEnd = indexOf(bytes, start, end, SOH);
        if (beginEnd < 0 || beginEnd + 3 >= end)
        {
            return 0;
        }
        if (bytes[start] != '8' || bytes[beginEnd + 1] != '9' || bytes[beginEnd + 2] != '=')
        {
            throw new IllegalStateException("not a FIX message: " + text(bytes, start, Math.min(end, start + 64)));
        }
        final int lengthEnd = indexOf(bytes, beginEnd + 3, end, SOH);
        if (lengthEnd < 0)
        {
            return 0;
        }
        final int bodyLength = (int)parseLong(bytes, beginEnd + 3, lengthEnd);
        final int messageEnd = lengthEnd + 1 + bodyLength + 7;
        if (messageEnd > end)
        {
            return 0;
        }
        String msgType = null;
        long clOrdId = -1;
        String text = null;
        String testReqId = null;
        int field = lengthEnd + 1;
        while (field < messageEnd - 7)
        {
            final int equals = indexOf(bytes, field, messageEnd, (byte)'=');
            final int valueEnd = indexOf(bytes, equals + 1, messageEnd, SOH);
            final int tag = (int)parseLong(bytes, field, equals);
            switch (tag)
            {
                case 35 -> msgType = text(bytes, equals + 1, valueEnd);
                case 11 -> clOrdId = parseLong(bytes, equals + 1, valueEnd);
                case 58 -> text = text(bytes, equals + 1, valueEnd);
                case 112 -> testReqId = text(bytes, equals + 1, valueEnd);
                default ->
                {
                }
            }
            field = valueEnd + 1;
        }
        if (msgType == null)
        {
            throw new IllegalStateException("a message without MsgType: " + text(bytes, start, messageEnd));
        }
        switch (msgType)
        {
            case "A" -> loggedOn = true;
            case "0" ->
            {
            }
            case "1" ->
            {
                final byte[] reply = ("112=" + testReqId + "\u0001").getBytes(StandardCharsets.US_ASCII);
                send("0", reply, reply.length);
            }
            case "3", "j", "5" -> fail("the acceptor sent MsgType " + msgType + (text == null ? "" : ": " + text) +
                " (" + text(bytes, start, messageEnd).replace('\u0001', '|') + ")");
            default ->
            {
                final Run run = current;
                if (clOrdId > 0 && run != null)
                {
                    run.onAnswer(clOrdId, nowNs);
                }
            }
        }
        return messageEnd - start;
    }

    private void fail(final String why)
    {
        if (failure == null)
        {
            failure = why;
        }
    }

    private void checkFailure()
    {
        final String why = failure;
        if (why != null)
        {
            throw new IllegalStateException("FIX load client: " + why);
        }
    }

    /** Closes the connection (no Logout: the acceptor is closed right after). */
    @Override
    public void close()
    {
        try
        {
            channel.close();
            reader.join(5_000);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private int append(final int at, final String ascii)
    {
        return put(body, at, ascii);
    }

    private int appendLong(final int at, final long value)
    {
        return putLong(body, at, value);
    }

    private static int put(final byte[] target, final int at, final String ascii)
    {
        for (int i = 0; i < ascii.length(); i++)
        {
            target[at + i] = (byte)ascii.charAt(i);
        }
        return at + ascii.length();
    }

    static int putLong(final byte[] target, final int at, final long value)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException("negative: " + value);
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10)
        {
            digits++;
        }
        long v = value;
        for (int i = digits - 1; i >= 0; i--)
        {
            target[at + i] = (byte)('0' + v % 10);
            v /= 10;
        }
        return at + digits;
    }

    private static void putAscii(final ByteBuffer buffer, final String ascii)
    {
        for (int i = 0; i < ascii.length(); i++)
        {
            buffer.put((byte)ascii.charAt(i));
        }
    }

    private static int indexOf(final byte[] bytes, final int from, final int end, final byte value)
    {
        for (int i = from; i < end; i++)
        {
            if (bytes[i] == value)
            {
                return i;
            }
        }
        return -1;
    }

    private static long parseLong(final byte[] bytes, final int from, final int end)
    {
        if (from >= end)
        {
            throw new IllegalStateException("an empty number");
        }
        long value = 0;
        for (int i = from; i < end; i++)
        {
            final int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9)
            {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    private static String text(final byte[] bytes, final int from, final int end)
    {
        return new String(bytes, from, end - from, StandardCharsets.US_ASCII);
    }

    /** One run's schedule and histogram. Answers are recorded by the reader thread only. */
    private static final class Run
    {
        final long firstClOrdId;
        final int warmupOrders;
        final int total;
        final long intervalNs;
        final long startNs;
        final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NS, 3);
        volatile int answers;

        Run(final long firstClOrdId, final int warmupOrders, final int total, final long intervalNs,
            final long startNs)
        {
            this.firstClOrdId = firstClOrdId;
            this.warmupOrders = warmupOrders;
            this.total = total;
            this.intervalNs = intervalNs;
            this.startNs = startNs;
        }

        void onAnswer(final long clOrdId, final long nowNs)
        {
            final long index = clOrdId - firstClOrdId;
            if (index < 0 || index >= total)
            {
                return;
            }
            if (index >= warmupOrders)
            {
                final long dueNs = startNs + index * intervalNs;
                histogram.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(1, nowNs - dueNs)));
            }
            answers++;
        }
    }

    /**
     * One run's outcome.
     *
     * @param ratePerSec the offered rate.
     * @param histogram round trips of the measured orders in nanoseconds, from their due time.
     * @param answers answers received (warm-up included).
     * @param sent orders sent (warm-up included).
     */
    public record RunResult(int ratePerSec, Histogram histogram, int answers, int sent)
    {
        /** True when every order was answered before the deadline. */
        public boolean complete()
        {
            return answers == sent;
        }
    }

    /** Formats UTC SendingTime {@code yyyyMMdd-HH:mm:ss.SSS}; the date part is cached per day. */
    private static final class SendingTime
    {
        private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);
        private long day = -1;
        private final byte[] date = new byte[9];

        int format(final byte[] target, final int at, final long epochMs)
        {
            final long today = Math.floorDiv(epochMs, DAY_MS);
            if (today != day)
            {
                final java.time.LocalDate d = java.time.LocalDate.ofEpochDay(today);
                put(date, 0, String.format(java.util.Locale.ROOT, "%04d%02d%02d-", d.getYear(), d.getMonthValue(),
                    d.getDayOfMonth()));
                day = today;
            }
            System.arraycopy(date, 0, target, at, date.length);
            int i = at + date.length;
            final long msOfDay = epochMs - today * DAY_MS;
            final long hours = msOfDay / 3_600_000;
            final long minutes = msOfDay / 60_000 % 60;
            final long seconds = msOfDay / 1_000 % 60;
            final long millis = msOfDay % 1_000;
            target[i++] = (byte)('0' + hours / 10);
            target[i++] = (byte)('0' + hours % 10);
            target[i++] = ':';
            target[i++] = (byte)('0' + minutes / 10);
            target[i++] = (byte)('0' + minutes % 10);
            target[i++] = ':';
            target[i++] = (byte)('0' + seconds / 10);
            target[i++] = (byte)('0' + seconds % 10);
            target[i++] = '.';
            target[i++] = (byte)('0' + millis / 100);
            target[i++] = (byte)('0' + millis / 10 % 10);
            target[i++] = (byte)('0' + millis % 10);
            return i;
        }
    }
}
