package dev.tandem.test.fix;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fault-injecting TCP relay on 127.0.0.1 between a FIX initiator and an acceptor, with a {@link FixTap} on each
 * direction. {@link #blackhole()} makes every relay stop forwarding (what it reads from then on is dropped and counted
 * by the taps), and {@link #cut()} resets every connection, so a test can lose messages in flight, then let the peers
 * reconnect through the same proxy and recover.
 * <p>
 * Threading: one accept thread, two relay threads per connection; the control methods may be called from any thread.
 * {@link #close()} stops everything and joins the threads.
 */
public final class FixTcpProxy implements AutoCloseable
{
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Thread acceptThread;
    private final FixTap initiatorToAcceptor = new FixTap();
    private final FixTap acceptorToInitiator = new FixTap();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicBoolean blackholed = new AtomicBoolean();
    private volatile boolean closed;
    private volatile int connections;

    private FixTcpProxy(final InetSocketAddress target) throws IOException
    {
        this.target = target;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.acceptThread = new Thread(this::acceptLoop, "fix-proxy-accept-" + server.getLocalPort());
        this.acceptThread.setDaemon(true);
    }

    /**
     * Starts a proxy towards {@code target}.
     *
     * @param target the acceptor, on loopback.
     * @return the running proxy; connect the initiator to {@link #address()}.
     */
    public static FixTcpProxy start(final InetSocketAddress target)
    {
        try
        {
            final FixTcpProxy proxy = new FixTcpProxy(target);
            proxy.acceptThread.start();
            return proxy;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** @return where the initiator connects. */
    public InetSocketAddress address()
    {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** @return the tap on initiator-to-acceptor traffic. */
    public FixTap initiatorToAcceptor()
    {
        return initiatorToAcceptor;
    }

    /** @return the tap on acceptor-to-initiator traffic. */
    public FixTap acceptorToInitiator()
    {
        return acceptorToInitiator;
    }

    /** @return connections accepted so far. */
    public int connections()
    {
        return connections;
    }

    /** Stops forwarding in both directions: bytes read from now on are dropped (the taps still count them). */
    public void blackhole()
    {
        blackholed.set(true);
    }

    /** Resets every open connection and forwards normally again for the connections that come next. */
    public void cut()
    {
        for (final Socket socket : sockets)
        {
            abort(socket);
        }
        sockets.clear();
        blackholed.set(false);
    }

    @Override
    public void close()
    {
        closed = true;
        try
        {
            server.close();
        }
        catch (final IOException ignore)
        {
            // closing
        }
        cut();
        join(acceptThread);
        for (final Thread thread : threads)
        {
            join(thread);
        }
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            try
            {
                final Socket downstream = server.accept();
                final Socket upstream = new Socket();
                try
                {
                    upstream.connect(target, 5_000);
                }
                catch (final IOException ex)
                {
                    abort(downstream);
                    abort(upstream);
                    continue;
                }
                downstream.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(downstream);
                sockets.add(upstream);
                connections++;
                relay(downstream, upstream, initiatorToAcceptor, "i2a");
                relay(upstream, downstream, acceptorToInitiator, "a2i");
            }
            catch (final IOException ex)
            {
                if (!closed)
                {
                    throw new UncheckedIOException(ex);
                }
            }
        }
    }

    private void relay(final Socket from, final Socket to, final FixTap tap, final String name)
    {
        final Thread thread = new Thread(() ->
        {
            final byte[] buffer = new byte[16 * 1024];
            try
            {
                final FixTap.Feed feed = tap.newConnection();
                final InputStream in = from.getInputStream();
                final OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0)
                {
                    final boolean forward = !blackholed.get();
                    feed.onBytes(buffer, 0, read, forward);
                    if (forward)
                    {
                        out.write(buffer, 0, read);
                    }
                }
            }
            catch (final IOException ex)
            {
                // a reset or a cut ends the relay
            }
            finally
            {
                abort(from);
                abort(to);
            }
        }, "fix-proxy-" + name + "-" + from.getPort());
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private static void abort(final Socket socket)
    {
        try
        {
            if (!socket.isClosed())
            {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        }
        catch (final IOException ignore)
        {
            // already gone
        }
    }

    private static void join(final Thread thread)
    {
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
