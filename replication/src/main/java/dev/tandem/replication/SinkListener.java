package dev.tandem.replication;

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
import java.util.ArrayList;

/**
 * The source's listening socket and the connections still handshaking on it: accepts them (at most
 * {@code maxPendingConnections} at once), drives each {@link PendingSink} to authentication or refusal before its
 * deadline, hands the authenticated ones on, and counts and logs every refused connection.
 * <p>
 * Threading: {@link #poll}, {@link #refused} and {@link #close()} on the source's agent thread only; the refusal
 * accessors are volatile reads, safe from any thread.
 */
final class SinkListener implements AutoCloseable
{
    /** Takes a connection that completed its handshake. */
    @FunctionalInterface
    interface AuthenticatedHandler
    {
        void onAuthenticated(PendingSink peer);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSource.class);

    private final ReplicationSourceContext context;
    private final Authenticator authenticator;
    private final byte[] clusterName;
    private final AuthenticatedHandler handler;
    private final ArrayList<PendingSink> pending = new ArrayList<>();
    private final ServerSocketChannel server;
    private final Selector acceptSelector;
    private final int port;
    private long nowNs;

    private volatile long refusedConnections;
    private volatile String lastRefusal = "";
    private volatile CloseReason lastRefusalReason;

    /**
     * Binds the listening socket.
     *
     * @throws UncheckedIOException when the address cannot be bound.
     */
    SinkListener(
        final ReplicationSourceContext context,
        final Authenticator authenticator,
        final byte[] clusterName,
        final AuthenticatedHandler handler)
    {
        this.context = context;
        this.authenticator = authenticator;
        this.clusterName = clusterName;
        this.handler = handler;
        try
        {
            server = ServerSocketChannel.open();
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(context.listenAddress(), 8);
            server.configureBlocking(false);
            port = ((InetSocketAddress)server.getLocalAddress()).getPort();
            // a selector tells whether a connection waits without allocating; accept() allocates on every call
            acceptSelector = Selector.open();
            server.register(acceptSelector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("listen: cannot bind " + context.listen() + ": " + ex.getMessage(), ex);
        }
    }

    int port()
    {
        return port;
    }

    /**
     * Accepts a waiting connection, if any, and advances every handshake; an authenticated connection goes to the
     * handler, a refused or timed-out one is counted and closed with its reason.
     *
     * @param epoch the epoch the source announces in its challenges.
     * @return work done.
     */
    int poll(final long nowNs, final long epoch)
    {
        this.nowNs = nowNs;
        int work = accept();
        if (!pending.isEmpty())
        {
            work += pollPending(epoch);
        }
        return work;
    }

    private int accept()
    {
        final SocketChannel socket;
        try
        {
            if (acceptSelector.selectNow() == 0)
            {
                return 0;
            }
            acceptSelector.selectedKeys().clear();
            socket = server.accept();
        }
        catch (final IOException ex)
        {
            LOG.warn("Replication source: accept failed: {}", ex.toString());
            return 0;
        }
        if (socket == null)
        {
            return 0;
        }
        String remote = "?";
        try
        {
            remote = String.valueOf(socket.getRemoteAddress());
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        catch (final IOException ex)
        {
            closeQuietly(socket);
            return 1;
        }
        if (pending.size() >= context.maxPendingConnections())
        {
            refused(remote, CloseReason.TOO_MANY_CONNECTIONS,
                pending.size() + " connections are already handshaking");
            closeQuietly(socket);
            return 1;
        }
        final long deadlineNs = nowNs + context.link().handshakeTimeoutNs();
        pending.add(new PendingSink(socket, remote, deadlineNs, authenticator, clusterName));
        return 1;
    }

    private int pollPending(final long epoch)
    {
        int work = 0;
        for (int i = pending.size() - 1; i >= 0; i--)
        {
            final PendingSink peer = pending.get(i);
            peer.poll(context.nodeId(), epoch);
            if (peer.state == PendingSink.AWAIT_HELLO || peer.state == PendingSink.AWAIT_AUTH)
            {
                if (nowNs - peer.deadlineNs >= 0)
                {
                    peer.refuse(CloseReason.HANDSHAKE_TIMEOUT, "no complete handshake within " +
                        context.handshakeTimeoutMs() + " ms");
                }
                else
                {
                    continue;
                }
            }
            pending.remove(i);
            work++;
            if (peer.state == PendingSink.AUTHENTICATED)
            {
                handler.onAuthenticated(peer);
            }
            else
            {
                refused(peer.remote, peer.refusal, peer.refusalText);
                peer.channel.closeWith(peer.refusal, peer.refusalText);
            }
        }
        return work;
    }

    /** Counts and logs a refused connection (also for refusals after authentication: divergence, stale epoch). */
    void refused(final String remote, final CloseReason reason, final String text)
    {
        lastRefusalReason = reason;
        lastRefusal = reason + ": " + text;
        refusedConnections = refusedConnections + 1;
        LOG.warn("Replication source refused connection from {}: {} ({})", remote, reason, text);
    }

    long refusedConnections()
    {
        return refusedConnections;
    }

    String lastRefusal()
    {
        return lastRefusal;
    }

    CloseReason lastRefusalReason()
    {
        return lastRefusalReason;
    }

    /** Closes the handshaking connections with {@link CloseReason#SHUTDOWN} and the listening socket. */
    @Override
    public void close()
    {
        for (final PendingSink peer : pending)
        {
            peer.channel.closeWith(CloseReason.SHUTDOWN, "source shutting down");
        }
        pending.clear();
        try
        {
            acceptSelector.close();
            server.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
    }

    private static void closeQuietly(final SocketChannel socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
    }
}
