package dev.tandem.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Holds a Warm node's FIX port: accepts each connection and resets it at once, so an initiator learns in
 * microseconds that nobody will log it on here and moves to the next acceptor. Holding the port also reserves it
 * (port 0 picks one at start-up) until the node turns Hot and the FIX acceptor takes it over.
 * <p>
 * Threading: one daemon thread accepts; {@link #close()} from any thread.
 */
final class StandbyListener implements AutoCloseable
{
    private final ServerSocketChannel server;
    private final Thread thread;
    private final int port;
    private volatile long refused;

    StandbyListener(final String host, final int port)
    {
        try
        {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(host, port), 64);
            this.port = ((InetSocketAddress)server.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new ConfigException("fix.listen: cannot listen on " + host + ":" + port + ": " + ex.getMessage(), ex);
        }
        thread = new Thread(this::run, "tandem-fix-standby");
        thread.setDaemon(true);
        thread.start();
    }

    int port()
    {
        return port;
    }

    long refused()
    {
        return refused;
    }

    private void run()
    {
        while (server.isOpen())
        {
            try (SocketChannel channel = server.accept())
            {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                refused++;
            }
            catch (final IOException ex)
            {
                // closed: the node turned Hot or is stopping
            }
        }
    }

    @Override
    public void close()
    {
        try
        {
            server.close();
            thread.join(5_000);
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
}
