package dev.tandem.benchmarks.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The baseline: a plain Java TCP ping-pong over loopback. An echo thread sends back every {@code payloadBytes} it
 * receives. {@code spin} uses non-blocking sockets polled in a busy loop on both ends (like our agents with a busy
 * spin idle strategy); otherwise plain blocking sockets. Not thread safe: one client thread.
 */
final class PingPong implements AutoCloseable
{
    private final ServerSocketChannel server;
    private final SocketChannel client;
    private final Thread echo;
    private final ByteBuffer out;
    private final ByteBuffer in;
    private final boolean spin;
    private volatile boolean running = true;

    PingPong(final int payloadBytes, final boolean spin)
    {
        this.spin = spin;
        try
        {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(server.getLocalAddress());
            final SocketChannel accepted = server.accept();
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.configureBlocking(!spin);
            accepted.configureBlocking(!spin);
            out = ByteBuffer.allocateDirect(payloadBytes);
            in = ByteBuffer.allocateDirect(payloadBytes);
            for (int i = 0; i < payloadBytes; i++)
            {
                out.put(i, (byte)i);
            }
            echo = new Thread(() -> echo(accepted, payloadBytes), "ping-pong-echo");
            echo.setDaemon(true);
            echo.start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void echo(final SocketChannel socket, final int payloadBytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(payloadBytes);
        try
        {
            while (running)
            {
                buffer.clear();
                while (buffer.hasRemaining())
                {
                    if (socket.read(buffer) < 0)
                    {
                        return;
                    }
                    if (!running)
                    {
                        return;
                    }
                }
                buffer.flip();
                while (buffer.hasRemaining())
                {
                    socket.write(buffer);
                }
            }
        }
        catch (final IOException ignore)
        {
            // closed
        }
    }

    /** Sends the payload and waits for it to come back. */
    void roundTrip() throws IOException
    {
        out.clear();
        while (out.hasRemaining())
        {
            client.write(out);
        }
        in.clear();
        while (in.hasRemaining())
        {
            if (client.read(in) < 0)
            {
                throw new IOException("echo closed");
            }
            if (spin)
            {
                Thread.onSpinWait();
            }
        }
    }

    /** Sends the payload without waiting (for a pipelined harness). */
    void send() throws IOException
    {
        out.clear();
        while (out.hasRemaining())
        {
            client.write(out);
        }
    }

    /** Reads whatever echoes arrived; returns how many whole payloads completed. */
    int receive(final ByteBuffer scratch) throws IOException
    {
        return client.read(scratch);
    }

    boolean isSpin()
    {
        return spin;
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            client.close();
            server.close();
            echo.join(5_000);
        }
        catch (final IOException | InterruptedException ignore)
        {
            // closing anyway
        }
    }
}
