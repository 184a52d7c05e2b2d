package dev.tandem.failover;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback listener that behaves like a broken or a working acceptor, for connection strategy tests. The fake
 * "Logon" is a line {@code LOGON} answered by {@code OK}.
 */
final class FakeAcceptor implements AutoCloseable
{
    enum Mode
    {
        /** Accepts the TCP connection, then resets it at once. */
        RESET,
        /** Accepts and never answers. */
        SILENT,
        /** Accepts and answers the fake Logon. */
        LOGON
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
                switch (mode)
                {
                    case RESET:
                        socket.setSoLinger(true, 0);
                        socket.close();
                        break;
                    case SILENT:
                        break;
                    case LOGON:
                        final InputStream in = socket.getInputStream();
                        final byte[] buffer = new byte[6];
                        int read = 0;
                        while (read < buffer.length)
                        {
                            final int n = in.read(buffer, read, buffer.length - read);
                            if (n < 0)
                            {
                                break;
                            }
                            read += n;
                        }
                        if ("LOGON\n".equals(new String(buffer, 0, read, StandardCharsets.US_ASCII)))
                        {
                            final OutputStream out = socket.getOutputStream();
                            out.write("OK\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                        break;
                    default:
                        break;
                }
            }
            catch (final IOException ex)
            {
                // closed: the test is over
            }
        }
    }

    /** The fake Logon: send LOGON, expect OK within the timeout. */
    static void logon(final Attempt attempt, final long timeoutMs) throws IOException
    {
        final Socket socket = attempt.channel().socket();
        socket.setSoTimeout((int)timeoutMs);
        socket.getOutputStream().write("LOGON\n".getBytes(StandardCharsets.US_ASCII));
        final byte[] reply = new byte[3];
        int read = 0;
        try
        {
            while (read < reply.length)
            {
                final int n = socket.getInputStream().read(reply, read, reply.length - read);
                if (n < 0)
                {
                    throw new IOException("closed before Logon reply");
                }
                read += n;
            }
        }
        catch (final java.net.SocketTimeoutException ex)
        {
            throw new IOException("no Logon reply within " + timeoutMs + " ms", ex);
        }
        if (!"OK\n".equals(new String(reply, StandardCharsets.US_ASCII)))
        {
            throw new IOException("Logon rejected");
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
