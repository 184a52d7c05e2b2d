package dev.tandem.test.fix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A raw, blocking FIX client over a real TCP socket, for tests: it writes whatever bytes it is given (valid or not) and
 * frames what it receives into {@link FixMessage}s without trusting the peer's BodyLength, so a test can see and
 * report a wrong one. Every read is bounded by a timeout.
 * <p>
 * Framing: a message starts at {@code 8=} and ends at the SOH that closes the first {@code 10=<digits>} field after
 * the BodyLength field. Bytes before an {@code 8=} are kept and reported as garbage.
 * <p>
 * Not thread safe: one test thread uses one client.
 */
public final class FixTestClient implements AutoCloseable
{
    private static final byte[] BEGIN = "8=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRAILER = "\u000110=".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_BUFFERED_BYTES = 1 << 20;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private byte[] buffer = new byte[8192];
    private int buffered;
    private boolean endOfStream;
    private String endReason;
    private final List<String> garbage = new ArrayList<>();

    private FixTestClient(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code address}, which must be a loopback address in tests.
     *
     * @param address        where the acceptor listens.
     * @param connectTimeout bound on the TCP connect.
     * @return the connected client.
     * @throws AssertionError when the connection cannot be made in time, naming the address.
     */
    public static FixTestClient connect(final InetSocketAddress address, final Duration connectTimeout)
    {
        final Socket socket = new Socket();
        try
        {
            socket.setTcpNoDelay(true);
            socket.connect(address, (int)Math.max(1, connectTimeout.toMillis()));
            return new FixTestClient(socket);
        }
        catch (final IOException ex)
        {
            closeQuietly(socket);
            throw new AssertionError("could not connect to " + address + " within " + connectTimeout.toMillis() +
                " ms: " + ex, ex);
        }
    }

    /**
     * Writes the bytes as they are, flushed.
     *
     * @param bytes the message, or any bytes at all.
     * @throws UncheckedIOException when the peer has gone.
     */
    public void send(final byte[] bytes)
    {
        try
        {
            out.write(bytes);
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("send failed (" + ex.getMessage() + ")", ex);
        }
    }

    /** Writes the text as ISO-8859-1 bytes; {@code |} is NOT translated, use SOH in the text. */
    public void send(final String text)
    {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Waits for the next complete message.
     *
     * @param timeout how long to wait at most.
     * @return the message, or {@code null} when the peer closed the connection first (see {@link #endReason()}).
     * @throws AssertionError on timeout, with what was buffered so far.
     */
    public FixMessage receive(final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (true)
        {
            final FixMessage message = nextBufferedMessage();
            if (message != null)
            {
                return message;
            }
            if (endOfStream)
            {
                return null;
            }
            final long remainingMs = (deadlineNs - System.nanoTime()) / 1_000_000L;
            if (remainingMs <= 0)
            {
                throw new AssertionError("no complete message within " + timeout.toMillis() + " ms; buffered: '" +
                    bufferedText() + "'");
            }
            readSome((int)Math.min(Integer.MAX_VALUE, remainingMs));
        }
    }

    /**
     * Waits until the peer closes the connection, collecting any messages it sends before that.
     *
     * @param timeout how long to wait at most.
     * @return the messages received before the close; empty when none.
     * @throws AssertionError when the connection is still open after {@code timeout}.
     */
    public List<FixMessage> awaitDisconnect(final Duration timeout)
    {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        final List<FixMessage> received = new ArrayList<>();
        while (true)
        {
            FixMessage message;
            while ((message = nextBufferedMessage()) != null)
            {
                received.add(message);
            }
            if (endOfStream)
            {
                return received;
            }
            final long remainingMs = (deadlineNs - System.nanoTime()) / 1_000_000L;
            if (remainingMs <= 0)
            {
                throw new AssertionError("peer did not disconnect within " + timeout.toMillis() + " ms; received " +
                    received + ", buffered: '" + bufferedText() + "'");
            }
            readSome((int)Math.min(Integer.MAX_VALUE, remainingMs));
        }
    }

    /** @return true once the peer has closed the connection (or reset it) and every whole message was taken. */
    public boolean isDisconnected()
    {
        return endOfStream && nextBufferedMessagePeek() < 0;
    }

    /** @return why the stream ended ("EOF" or the socket error), or {@code null} while it is open. */
    public String endReason()
    {
        return endReason;
    }

    /** @return bytes that arrived outside any message (before an {@code 8=}), as text; for failure messages. */
    public List<String> garbage()
    {
        return List.copyOf(garbage);
    }

    /** @return the local port, for logs. */
    public int localPort()
    {
        return socket.getLocalPort();
    }

    /** Closes the socket; idempotent. */
    @Override
    public void close()
    {
        closeQuietly(socket);
    }

    private void readSome(final int timeoutMs)
    {
        try
        {
            socket.setSoTimeout(Math.max(1, timeoutMs));
            if (buffered == buffer.length)
            {
                if (buffer.length >= MAX_BUFFERED_BYTES)
                {
                    throw new AssertionError("more than " + MAX_BUFFERED_BYTES + " bytes without a complete message");
                }
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            final int read = in.read(buffer, buffered, buffer.length - buffered);
            if (read < 0)
            {
                endOfStream = true;
                endReason = "EOF";
            }
            else
            {
                buffered += read;
            }
        }
        catch (final SocketTimeoutException ex)
        {
            // the caller checks its deadline
        }
        catch (final SocketException ex)
        {
            // a reset by the peer is a disconnect too
            endOfStream = true;
            endReason = ex.getMessage();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private int nextBufferedMessagePeek()
    {
        final int begin = indexOf(BEGIN, 0);
        if (begin < 0)
        {
            return -1;
        }
        return messageEnd(begin);
    }

    private FixMessage nextBufferedMessage()
    {
        final int begin = indexOf(BEGIN, 0);
        if (begin < 0)
        {
            if (endOfStream && buffered > 0)
            {
                garbage.add(new String(buffer, 0, buffered, StandardCharsets.ISO_8859_1));
                buffered = 0;
            }
            return null;
        }
        final int end = messageEnd(begin);
        if (end < 0)
        {
            return null;
        }
        if (begin > 0)
        {
            garbage.add(new String(buffer, 0, begin, StandardCharsets.ISO_8859_1));
        }
        final FixMessage message = FixMessage.parse(Arrays.copyOfRange(buffer, begin, end));
        System.arraycopy(buffer, end, buffer, 0, buffered - end);
        buffered -= end;
        return message;
    }

    /** @return the index after the SOH that ends the message starting at {@code begin}, or -1 if incomplete. */
    private int messageEnd(final int begin)
    {
        // skip BeginString and BodyLength: the trailer search starts after the second SOH
        int soh = 0;
        int i = begin;
        for (; i < buffered && soh < 2; i++)
        {
            if (buffer[i] == FixMessage.SOH)
            {
                soh++;
            }
        }
        if (soh < 2)
        {
            return -1;
        }
        final int trailer = indexOf(TRAILER, i - 1);
        if (trailer < 0)
        {
            return -1;
        }
        for (int j = trailer + TRAILER.length; j < buffered; j++)
        {
            if (buffer[j] == FixMessage.SOH)
            {
                return j + 1;
            }
        }
        return -1;
    }

    private int indexOf(final byte[] pattern, final int from)
    {
        outer:
        for (int i = from; i <= buffered - pattern.length; i++)
        {
            for (int j = 0; j < pattern.length; j++)
            {
                if (buffer[i + j] != pattern[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private String bufferedText()
    {
        return new String(buffer, 0, buffered, StandardCharsets.ISO_8859_1).replace('\u0001', '|');
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing: nothing useful to do
        }
    }
}
