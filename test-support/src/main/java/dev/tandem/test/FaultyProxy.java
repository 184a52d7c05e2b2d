package dev.tandem.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fault-injecting TCP proxy on 127.0.0.1 that sits between a client and a server and can stall, slow, drop or
 * cut the byte stream, in either direction, on demand.
 * <p>
 * Every accepted client connection gets its own connection to the target and two pump threads, one per direction.
 * Faults apply to all current and future connections:
 * <ul>
 *     <li>{@link #stall(Direction, boolean)}: stop forwarding (bytes pile up in the kernel buffers and the sender
 *     is back-pressured) until un-stalled; the connection stays open.</li>
 *     <li>{@link #slow(int, long)}: forward in small chunks with a pause after each one.</li>
 *     <li>{@link #dropNextBytes(Direction, long)}: silently discard the next bytes while the connection stays open, so
 *     the receiver sees a stream with a hole in it (typically in the middle of a frame).</li>
 *     <li>{@link #cutAfterBytes(Direction, long)}: forward that many more bytes, then reset both sides of every
 *     connection, typically in the middle of a frame; {@link #cutAll()} resets at once.</li>
 *     <li>{@link #refuseConnections(boolean)}: accept and immediately reset new connections.</li>
 * </ul>
 * Threading: the control methods may be called from any thread; faults take effect at the next chunk each pump
 * reads. {@link #close()} closes every socket and joins the threads.
 */
public final class FaultyProxy implements AutoCloseable
{
    /** Which way the bytes travel. */
    public enum Direction
    {
        /** From the client that connected to the proxy towards the target server. */
        TO_SERVER,
        /** From the target server back to the client. */
        TO_CLIENT
    }

    private static final int CHUNK_BYTES = 64 * 1024;
    private static final long STALL_PARK_NS = TimeUnit.MICROSECONDS.toNanos(500);

    private final ServerSocket serverSocket;
    private final int targetPort;
    private final Thread acceptor;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final boolean[] stalled = new boolean[2];
    private final AtomicLong[] dropBytes = { new AtomicLong(), new AtomicLong() };
    private final AtomicLong[] cutAfter = { new AtomicLong(-1), new AtomicLong(-1) };
    private final AtomicLong[] forwarded = { new AtomicLong(), new AtomicLong() };
    private final AtomicLong[] dropped = { new AtomicLong(), new AtomicLong() };
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile int slowChunkBytes;
    private volatile long slowPauseNs;
    private volatile boolean refuse;
    private volatile boolean closed;

    private FaultyProxy(final ServerSocket serverSocket, final int targetPort)
    {
        this.serverSocket = serverSocket;
        this.targetPort = targetPort;
        this.acceptor = new Thread(this::acceptLoop, "faulty-proxy-accept-" + serverSocket.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a proxy listening on an ephemeral port of 127.0.0.1 that forwards to 127.0.0.1:{@code targetPort}. */
    public static FaultyProxy start(final int targetPort)
    {
        try
        {
            final ServerSocket serverSocket = new ServerSocket();
            serverSocket.setReuseAddress(true);
            serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new FaultyProxy(serverSocket, targetPort);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The port clients connect to. */
    public int port()
    {
        return serverSocket.getLocalPort();
    }

    /** Stops (true) or resumes (false) forwarding in one direction. */
    public void stall(final Direction direction, final boolean stall)
    {
        synchronized (stalled)
        {
            stalled[direction.ordinal()] = stall;
        }
    }

    /** Stops (true) or resumes (false) forwarding in both directions. */
    public void stall(final boolean stall)
    {
        stall(Direction.TO_SERVER, stall);
        stall(Direction.TO_CLIENT, stall);
    }

    /**
     * Forwards at most {@code chunkBytes} at a time with a pause of {@code pauseNs} after each chunk, in both
     * directions; {@code chunkBytes} 0 turns slowing off.
     */
    public void slow(final int chunkBytes, final long pauseNs)
    {
        slowPauseNs = pauseNs;
        slowChunkBytes = chunkBytes;
    }

    /** Silently discards the next {@code bytes} bytes travelling in {@code direction}; the connection stays open. */
    public void dropNextBytes(final Direction direction, final long bytes)
    {
        dropBytes[direction.ordinal()].set(bytes);
    }

    /**
     * Forwards {@code bytes} more bytes in {@code direction} and then resets every connection (both sides), which
     * cuts the stream wherever that count falls, typically in the middle of a frame. Applies once.
     */
    public void cutAfterBytes(final Direction direction, final long bytes)
    {
        cutAfter[direction.ordinal()].set(bytes);
    }

    /** Resets every current connection at once. */
    public void cutAll()
    {
        for (final Link link : links)
        {
            link.reset();
        }
    }

    /** While true, new connections are accepted and reset at once. */
    public void refuseConnections(final boolean refuse)
    {
        this.refuse = refuse;
    }

    /** Bytes forwarded so far in {@code direction}. */
    public long bytesForwarded(final Direction direction)
    {
        return forwarded[direction.ordinal()].get();
    }

    /** Bytes discarded so far by {@link #dropNextBytes} in {@code direction}. */
    public long bytesDropped(final Direction direction)
    {
        return dropped[direction.ordinal()].get();
    }

    /** Client connections accepted so far. */
    public int connectionsAccepted()
    {
        return accepted.get();
    }

    /** Connections reset by {@link #cutAfterBytes} or {@link #cutAll}. */
    public int cuts()
    {
        return cuts.get();
    }

    /** Client connections currently open. */
    public int openConnections()
    {
        int open = 0;
        for (final Link link : links)
        {
            open += link.isOpen() ? 1 : 0;
        }
        return open;
    }

    private boolean isStalled(final Direction direction)
    {
        synchronized (stalled)
        {
            return stalled[direction.ordinal()];
        }
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            final Socket client;
            try
            {
                client = serverSocket.accept();
            }
            catch (final IOException ex)
            {
                return;
            }
            accepted.incrementAndGet();
            if (refuse)
            {
                resetQuietly(client);
                continue;
            }
            final Socket server = new Socket();
            try
            {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            }
            catch (final IOException ex)
            {
                resetQuietly(client);
                resetQuietly(server);
                continue;
            }
            final Link link = new Link(client, server);
            links.add(link);
            startPump(link, client, server, Direction.TO_SERVER);
            startPump(link, server, client, Direction.TO_CLIENT);
        }
    }

    private void startPump(final Link link, final Socket from, final Socket to, final Direction direction)
    {
        final Thread thread = new Thread(
            () -> pump(link, from, to, direction), "faulty-proxy-" + direction + "-" + from.getPort());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private void pump(final Link link, final Socket from, final Socket to, final Direction direction)
    {
        final int d = direction.ordinal();
        final byte[] chunk = new byte[CHUNK_BYTES];
        try
        {
            final InputStream in = from.getInputStream();
            final OutputStream out = to.getOutputStream();
            while (!closed && link.isOpen())
            {
                while (isStalled(direction) && !closed && link.isOpen())
                {
                    LockSupport.parkNanos(STALL_PARK_NS);
                }
                // closed while stalled: what piled up behind the stall is never delivered (the fault stays a fault)
                if (isStalled(direction))
                {
                    break;
                }
                final int read = in.read(chunk);
                if (read < 0)
                {
                    break;
                }
                int offset = 0;
                int length = read;
                final long drop = Math.min(length, dropBytes[d].get());
                if (drop > 0)
                {
                    dropBytes[d].addAndGet(-drop);
                    dropped[d].addAndGet(drop);
                    offset += (int)drop;
                    length -= (int)drop;
                }
                while (isStalled(direction) && !closed && link.isOpen())
                {
                    LockSupport.parkNanos(STALL_PARK_NS);
                }
                if (isStalled(direction))
                {
                    break;
                }
                final long cut = cutAfter[d].get();
                boolean cutNow = false;
                if (cut >= 0 && cut < length)
                {
                    if (cutAfter[d].compareAndSet(cut, -1))
                    {
                        length = (int)cut;
                        cutNow = true;
                    }
                }
                else if (cut >= 0)
                {
                    cutAfter[d].compareAndSet(cut, cut - length);
                }
                write(out, chunk, offset, length, d);
                if (cutNow)
                {
                    cuts.incrementAndGet();
                    cutAll();
                    break;
                }
            }
        }
        catch (final IOException ex)
        {
            // the other side went away or we reset it: the link is over
        }
        link.closeHalf(to);
    }

    private void write(final OutputStream out, final byte[] chunk, final int offset, final int length, final int d)
        throws IOException
    {
        int position = offset;
        final int end = offset + length;
        while (position < end)
        {
            final int slowChunk = slowChunkBytes;
            final int n = slowChunk > 0 ? Math.min(slowChunk, end - position) : end - position;
            out.write(chunk, position, n);
            out.flush();
            position += n;
            forwarded[d].addAndGet(n);
            if (slowChunk > 0)
            {
                LockSupport.parkNanos(slowPauseNs);
            }
        }
    }

    private static void resetQuietly(final Socket socket)
    {
        try
        {
            if (!socket.isClosed())
            {
                socket.setSoLinger(true, 0);
            }
        }
        catch (final SocketException ignore)
        {
            // already gone
        }
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // already gone
        }
    }

    /** Closes the listening socket and every connection, and waits for the pump threads to end. */
    @Override
    public void close()
    {
        closed = true;
        try
        {
            serverSocket.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        cutAll();
        final List<Thread> toJoin = new ArrayList<>(threads);
        toJoin.add(acceptor);
        for (final Thread thread : toJoin)
        {
            try
            {
                thread.join(5_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static final class Link
    {
        private final Socket client;
        private final Socket server;
        private volatile boolean open = true;
        private int halvesClosed;

        Link(final Socket client, final Socket server)
        {
            this.client = client;
            this.server = server;
        }

        boolean isOpen()
        {
            return open;
        }

        void reset()
        {
            open = false;
            resetQuietly(client);
            resetQuietly(server);
        }

        /** One direction ended (EOF): pass the end on, and close both sockets once both directions ended. */
        synchronized void closeHalf(final Socket to)
        {
            try
            {
                if (!to.isClosed())
                {
                    to.shutdownOutput();
                }
            }
            catch (final IOException ignore)
            {
                // already gone
            }
            if (++halvesClosed == 2 || !open)
            {
                open = false;
                resetQuietly(client);
                resetQuietly(server);
            }
        }
    }
}
