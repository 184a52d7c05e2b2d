package dev.tandem.node;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Holds a Warm node's FIX port: accepts each connection and resets it at once, so an initiator learns in
 * microseconds that nobody will log it on here and moves to the next acceptor. Holding the port also reserves it
 * (port 0 picks one at start-up) until the node turns Hot.
 * <p>
 * Activation does not close the port: {@link #hold()} stops the resets, so a counterparty that dials while the node
 * activates completes its TCP handshake in the kernel's backlog and waits there with its Logon, instead of being
 * reset and backing off; {@link #handOver()} then gives the listening socket itself to the FIX acceptor, which accepts
 * what waited. An activation that fails before the hand-over {@link #resume()}s the resets (what waited is reset then).
 * <p>
 * Threading: one daemon thread accepts; {@link #hold()}, {@link #resume()}, {@link #handOver()} and {@link #close()}
 * from the node's control thread (any one thread).
 */
final class StandbyListener implements AutoCloseable
{
    /** The longest the accepting thread waits in one select: how soon it sees a hold without a wake-up. */
    private static final long SELECT_TIMEOUT_MS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(StandbyListener.class);

    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final int port;
    private volatile long refused;
    private volatile boolean holding;
    private volatile boolean stopped;
    private boolean handedOver;

    StandbyListener(final String host, final int port)
    {
        try
        {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(host, port), 64);
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            this.port = ((InetSocketAddress)server.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new ConfigException("fix.listen: cannot listen on " + host + ":" + port + ": " + ex.getMessage(), ex);
        }
        // a named class, not a method reference: a switchover's old primary is often the first of its process to
        // open one (see ActivationPreload)
        thread = new Thread(new Runnable()
        {
            @Override
            public void run()
            {
                StandbyListener.this.run();
            }
        }, "tandem-fix-standby");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * A standby listener for a node that stops serving while it runs (a switchover's old primary), or null when the
     * port cannot be had (another process took it in the moment it was free), said once per call at WARN: nothing
     * depends on it. Counterparties are then refused by the kernel instead of reset, as fast, and the next activation
     * binds the port itself.
     *
     * @param node the node's name, for the log line.
     * @param when what the node is doing, for the log line.
     */
    static StandbyListener tryOpen(final String host, final int port, final String node, final String when)
    {
        try
        {
            return new StandbyListener(host, port);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("{}: cannot hold the FIX port {}:{} with a standby listener {} ({}): counterparties dialling it " +
                "are refused instead of reset, and the next activation binds the port itself", node, host, port, when,
                Node.oneLine(ex));
            return null;
        }
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
        while (!stopped)
        {
            try
            {
                selector.select(SELECT_TIMEOUT_MS);
                selector.selectedKeys().clear();
                while (!holding && !stopped)
                {
                    final SocketChannel channel = server.accept();
                    if (channel == null)
                    {
                        break;
                    }
                    try (channel)
                    {
                        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                        refused++;
                    }
                }
                if (holding)
                {
                    // what is ready stays ready: wait for resume() or handOver() rather than spin on it
                    synchronized (this)
                    {
                        while (holding && !stopped)
                        {
                            wait();
                        }
                    }
                }
            }
            catch (final IOException ex)
            {
                // closed: the node turned Hot or is stopping
                if (!server.isOpen())
                {
                    return;
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    /** Stops resetting connections: they wait in the backlog for the FIX acceptor (or for {@link #resume()}). */
    void hold()
    {
        synchronized (this)
        {
            holding = true;
        }
        selector.wakeup();
    }

    /** Resets connections again, those that waited first: the activation that held them did not complete. */
    void resume()
    {
        synchronized (this)
        {
            holding = false;
            notifyAll();
        }
        selector.wakeup();
    }

    /**
     * Stops the accepting thread and gives up the listening socket, still bound, with whatever waits in its backlog:
     * the FIX acceptor takes it over. This listener owns nothing afterwards; {@link #close()} does nothing.
     */
    ServerSocketChannel handOver()
    {
        stop();
        try
        {
            // the selector's key must be gone before another selector may take the channel
            selector.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        handedOver = true;
        return server;
    }

    private void stop()
    {
        synchronized (this)
        {
            stopped = true;
            notifyAll();
        }
        selector.wakeup();
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close()
    {
        if (handedOver)
        {
            return;
        }
        stop();
        try
        {
            selector.close();
            server.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
