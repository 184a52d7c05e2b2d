package dev.tandem.failover;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback listener that behaves like a broken acceptor, for the connection tests: it takes TCP connections and
 * resets them or never answers. The working acceptor in those tests is a real {@code FixAcceptor}.
 */
final class FakeAcceptor implements AutoCloseable
{
    enum Mode
    {
        /** Accepts the TCP connection, then resets it at once. */
        RESET,
        /** Accepts and never answers. */
        SILENT
    }

    private final ServerSocket server;
    private final Mode mode;
    private final Thread thread;
    private final List<Socket> accepted = new ArrayList<>();
    final AtomicInteger connections = new AtomicInteger();

    FakeAcceptor(final Mode mode) throws IOException
    {
        this.mode = mode;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = new Thread(this::run, "fake-acceptor-" + mode);
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address()
    {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void run()
    {
        while (!server.isClosed())
        {
            try
            {
                final Socket socket = server.accept();
                connections.incrementAndGet();
                synchronized (accepted)
                {
                    accepted.add(socket);
                }
                if (mode == Mode.RESET)
                {
                    socket.setSoLinger(true, 0);
                    socket.close();
                }
            }
            catch (final IOException ex)
            {
                // closed: the test is over
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        server.close();
        synchronized (accepted)
        {
            for (final Socket socket : accepted)
            {
                socket.close();
            }
        }
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
