package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixFraming;
import dev.tandem.fix.codec.UtcTimestamps;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A tiny blocking FIX client for tests: sends fields written with '|' for SOH (adding 8, 9 and 10 when absent, and
 * replacing {@code <TIME>}, {@code <TIME+n>}, {@code <TIME-n>}), receives whole messages with a deadline.
 */
final class RawFixClient implements AutoCloseable
{
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024 * 1024]);
    private final String beginString;
    private int limit;

    RawFixClient(final int port, final String beginString)
    {
        this.beginString = beginString;
        try
        {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    RawFixClient(final int port)
    {
        this(port, "FIX.4.4");
    }

    /** Sends {@code fields} (from 35 on, '|' as SOH); 8, 9 and 10 are added unless the text starts with "8=". */
    void send(final String fields)
    {
        sendBytes(encode(beginString, fields));
    }

    static byte[] encode(final String beginString, final String fields)
    {
        String text = substituteTimes(fields).replace('|', '\u0001');
        String beginStringField = "8=" + beginString + "\u0001";
        if (text.startsWith("8=") && !text.contains("\u00019="))
        {
            final int firstSoh = text.indexOf('\u0001');
            beginStringField = text.substring(0, firstSoh + 1);
            text = text.substring(firstSoh + 1);
        }
        if (!text.startsWith("8="))
        {
            final int checksumField = ("\u0001" + text).indexOf("\u000110=");
            final int bodyLength = checksumField >= 0 ? checksumField : text.length();
            text = beginStringField + "9=" + bodyLength + "\u0001" + text;
        }
        if (!text.contains("\u000110="))
        {
            int sum = 0;
            for (int i = 0; i < text.length(); i++)
            {
                sum += text.charAt(i);
            }
            text = text + "10=" + String.format("%03d", sum & 0xFF) + "\u0001";
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String substituteTimes(final String fields)
    {
        String text = fields;
        int start;
        while ((start = text.indexOf("<TIME")) >= 0)
        {
            final int end = text.indexOf('>', start);
            final String spec = text.substring(start + 5, end);
            final long shiftMs = spec.isEmpty() ? 0 : Long.parseLong(spec.replace("+", "")) * 1000;
            final UnsafeBuffer stamp = new UnsafeBuffer(new byte[32]);
            final int length = UtcTimestamps.encodeSeconds(stamp, 0, System.currentTimeMillis() + shiftMs);
            text = text.substring(0, start) + stamp.getStringWithoutLengthAscii(0, length) + text.substring(end + 1);
        }
        return text;
    }

    void sendBytes(final byte[] bytes)
    {
        try
        {
            out.write(bytes);
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The next whole message with '|' for SOH; fails after {@link #TIMEOUT}. */
    String receive()
    {
        return receive(TIMEOUT);
    }

    String receive(final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final int frame = FixFraming.frame(buffer, 0, limit, buffer.capacity());
            if (frame > 0)
            {
                final String message = buffer.getStringWithoutLengthAscii(0, frame).replace('\u0001', '|');
                buffer.putBytes(0, buffer, frame, limit - frame);
                limit -= frame;
                final FixDecoder decoder = new FixDecoder(frame / 4 + 1);
                final int status = decoder.wrap(new UnsafeBuffer(message.replace('|', '\u0001')
                    .getBytes(StandardCharsets.ISO_8859_1)), 0, frame);
                if (status != FixDecoder.OK)
                {
                    throw new AssertionError("received an invalid message (status " + status + "): " + message);
                }
                return message;
            }
            if (frame < 0)
            {
                throw new AssertionError("received garbage: " + buffer.getStringWithoutLengthAscii(0, limit));
            }
            final int read = readSome(deadlineNs);
            if (read < 0)
            {
                throw new AssertionError("disconnected while waiting for a message");
            }
        }
    }

    /** Fails unless the peer closes the connection before any further message and before the timeout. */
    void expectDisconnect()
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (true)
        {
            if (limit > 0 && FixFraming.frame(buffer, 0, limit, buffer.capacity()) > 0)
            {
                throw new AssertionError("expected a disconnect, received: " + receive());
            }
            if (readSome(deadlineNs) < 0)
            {
                return;
            }
        }
    }

    /** Waits for the peer to close, ignoring messages. */
    void drainUntilDisconnect()
    {
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (readSome(deadlineNs) >= 0)
        {
            limit = 0;
        }
    }

    /** Fails if a message arrives within {@code quiet}. */
    void expectNothing(final Duration quiet)
    {
        final long deadlineNs = System.nanoTime() + quiet.toNanos();
        try
        {
            while (System.nanoTime() < deadlineNs)
            {
                socket.setSoTimeout((int)Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000));
                final int read;
                try
                {
                    read = in.read(buffer.byteArray(), limit, buffer.capacity() - limit);
                }
                catch (final SocketTimeoutException ex)
                {
                    return;
                }
                if (read < 0)
                {
                    throw new AssertionError("disconnected while expecting silence");
                }
                limit += read;
                if (FixFraming.frame(buffer, 0, limit, buffer.capacity()) > 0)
                {
                    throw new AssertionError("expected nothing, received: " + receive());
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private int readSome(final long deadlineNs)
    {
        try
        {
            while (true)
            {
                final long remainingMs = (deadlineNs - System.nanoTime()) / 1_000_000;
                if (remainingMs <= 0)
                {
                    throw new AssertionError("timed out waiting for the acceptor");
                }
                socket.setSoTimeout((int)Math.min(remainingMs, Integer.MAX_VALUE));
                try
                {
                    final int read = in.read(buffer.byteArray(), limit, buffer.capacity() - limit);
                    if (read > 0)
                    {
                        limit += read;
                    }
                    return read;
                }
                catch (final SocketTimeoutException ex)
                {
                    // loop to the deadline check
                }
            }
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /** The value of {@code tag} in a received message, or null. */
    static String field(final String message, final int tag)
    {
        final String key = "|" + tag + "=";
        final String text = "|" + message;
        final int start = text.indexOf(key);
        if (start < 0)
        {
            return null;
        }
        final int end = text.indexOf('|', start + key.length());
        return text.substring(start + key.length(), end);
    }

    @Override
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
        }
    }
}
