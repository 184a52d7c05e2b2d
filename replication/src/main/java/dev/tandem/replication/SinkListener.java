package dev.tandem.replication;

import dev.tandem.journal.LogRateLimiter;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The source's listening socket and the connections still handshaking on it: accepts them (at most
 * {@code maxPendingConnections} at once and {@code maxPendingPerAddress} per host, evicting the oldest unauthenticated
 * one to make room, so a stranger can delay the real sink by one round trip at most, never lock it out; hosts outside
 * {@code allowedPeers} are closed at accept), drives each {@link PendingSink} to authentication or refusal before its
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
    /** Connections taken per poll: drains a burst without starving the handshakes and the stream. */
    static final int MAX_ACCEPTS_PER_POLL = 64;
    /** Kernel accept backlog: room for a burst so the real sink's SYN is not dropped while we drain. */
    static final int ACCEPT_BACKLOG = 128;
    /** What an unauthenticated peer is told, whatever the reason: the code says enough. */
    static final String REFUSED_TEXT = "refused";
    private static final String NOT_ALLOWED_TEXT = "host not in allowedPeers";
    private static final String EVICTED_TEXT = "evicted: the handshake slots (maxPendingConnections) are full";
    private static final String BURST_TEXT = "every handshake slot holds a connection accepted in this burst";
    private static final String EVICTED_PER_HOST_TEXT =
        "evicted: this host's handshake slots (maxPendingPerAddress) are full";

    private final ReplicationSourceContext context;
    private final Authenticator authenticator;
    private final byte[] clusterName;
    private final AuthenticatedHandler handler;
    private final ArrayList<PendingSink> pending = new ArrayList<>();
    private final ServerSocketChannel server;
    private final Selector acceptSelector;
    private final int port;
    private long nowNs;

    private final LogRateLimiter refusalLog;
    private final LogRateLimiter acceptErrorLog = new LogRateLimiter(1, TimeUnit.SECONDS.toNanos(10));
    private final String handshakeTimeoutText;
    private volatile long evictions;

    private volatile long refusedConnections;
    private volatile String lastRefusalText = "";
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
        this.refusalLog = new LogRateLimiter(context.maxRefusalLogsPerMinute(), TimeUnit.MINUTES.toNanos(1));
        this.handshakeTimeoutText = "no complete handshake within " + context.handshakeTimeoutMs() + " ms";
        server = context.serverChannel() != null ? context.serverChannel() : bind(context);
        try
        {
            server.configureBlocking(false);
            port = ((InetSocketAddress)server.getLocalAddress()).getPort();
            // a selector tells whether a connection waits without allocating; accept() allocates on every call
            acceptSelector = Selector.open();
            server.register(acceptSelector, SelectionKey.OP_ACCEPT);
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(server);
            throw new UncheckedIOException("listen: cannot listen on " + context.listen() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * A listening socket bound to the concluded {@code context}'s {@code listen} address, as a source binds it.
     *
     * @throws UncheckedIOException naming {@code listen} when it cannot be bound.
     */
    static ServerSocketChannel bind(final ReplicationSourceContext context)
    {
        ServerSocketChannel channel = null;
        try
        {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(context.listenAddress(), ACCEPT_BACKLOG);
            return channel;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietClose(channel);
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
        int work = 0;
        try
        {
            if (acceptSelector.selectNow() == 0)
            {
                return 0;
            }
            acceptSelector.selectedKeys().clear();
            // drain what waits (bounded) so a flood cannot fill the kernel's backlog ahead of the real sink
            for (int i = 0; i < MAX_ACCEPTS_PER_POLL; i++)
            {
                final SocketChannel socket = server.accept();
                if (socket == null)
                {
                    break;
                }
                admit(socket);
                work++;
            }
        }
        catch (final IOException ex)
        {
            if (acceptErrorLog.tryAcquire(nowNs))
            {
                LOG.warn("Replication source: accept failed: {} ({} similar suppressed)", ex.toString(),
                    acceptErrorLog.takeSuppressed());
            }
        }
        return work;
    }

    private void admit(final SocketChannel socket)
    {
        final InetSocketAddress remote;
        try
        {
            remote = (InetSocketAddress)socket.getRemoteAddress();
            if (remote == null)
            {
                closeQuietly(socket);
                return;
            }
            final Set<InetAddress> allowed = context.allowedPeerAddresses();
            if (!allowed.isEmpty() && !allowed.contains(remote.getAddress()))
            {
                // not a word to a host that is not ours: close before reading or writing anything
                closeQuietly(socket);
                refused(remote, CloseReason.PEER_NOT_ALLOWED, NOT_ALLOWED_TEXT);
                return;
            }
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        catch (final IOException ex)
        {
            closeQuietly(socket);
            return;
        }
        final InetAddress address = remote.getAddress();
        int sameHost = 0;
        for (int i = 0; i < pending.size(); i++)
        {
            if (address.equals(pending.get(i).remoteAddress))
            {
                sameHost++;
            }
        }
        final long deadlineNs = nowNs + context.link().handshakeTimeoutNs();
        if ((sameHost >= context.maxPendingPerAddress() && !evictOldest(address, deadlineNs)) ||
            (pending.size() >= context.maxPendingConnections() && !evictOldest(null, deadlineNs)))
        {
            // every candidate arrived in this same burst and has not been read yet: the newcomer waits its turn
            refused(remote, CloseReason.TOO_MANY_CONNECTIONS, BURST_TEXT);
            closeQuietly(socket);
            return;
        }
        TlsChannel tls = null;
        if (context.tls().active())
        {
            try
            {
                tls = new TlsChannel(context.tls().packetBufferBytes(), context.tls().applicationBufferBytes())
                    .reset(socket, context.tls().newEngine(false, null, 0));
            }
            catch (final javax.net.ssl.SSLException | RuntimeException ex)
            {
                refused(remote, CloseReason.TLS_FAILED, "cannot start TLS: " + ex.getMessage());
                closeQuietly(socket);
                return;
            }
        }
        pending.add(new PendingSink(socket, remote.toString(), address, deadlineNs, authenticator, clusterName, tls));
    }

    /**
     * Closes the oldest handshaking connection (from {@code host}, or from anyone when null), preferring one that has
     * not yet said hello: a real sink says hello at once, so the quiet ones are the squatters. A connection accepted
     * in this same poll (deadline {@code newcomerDeadlineNs}) is spared: it has not been read once yet.
     *
     * @return false when there was no connection to evict.
     */
    private boolean evictOldest(final InetAddress host, final long newcomerDeadlineNs)
    {
        int victim = -1;
        boolean victimQuiet = false;
        for (int i = 0; i < pending.size(); i++)
        {
            final PendingSink peer = pending.get(i);
            if (!peer.isHandshaking() || peer.deadlineNs == newcomerDeadlineNs ||
                (host != null && !host.equals(peer.remoteAddress)))
            {
                continue;
            }
            final boolean quiet = peer.state == PendingSink.AWAIT_HELLO;
            if (victim < 0 || (quiet && !victimQuiet) ||
                (quiet == victimQuiet && peer.deadlineNs - pending.get(victim).deadlineNs < 0))
            {
                victim = i;
                victimQuiet = quiet;
            }
        }
        if (victim >= 0)
        {
            final PendingSink peer = pending.remove(victim);
            evictions = evictions + 1;
            refused(peer.remote, CloseReason.TOO_MANY_CONNECTIONS, host != null ?
                EVICTED_PER_HOST_TEXT : EVICTED_TEXT);
            peer.channel.closeWith(CloseReason.TOO_MANY_CONNECTIONS, REFUSED_TEXT);
            return true;
        }
        return false;
    }

    private int pollPending(final long epoch)
    {
        int work = 0;
        for (int i = pending.size() - 1; i >= 0; i--)
        {
            final PendingSink peer = pending.get(i);
            peer.poll(context.nodeId(), epoch);
            if (peer.isHandshaking())
            {
                if (nowNs - peer.deadlineNs >= 0)
                {
                    peer.refuse(CloseReason.HANDSHAKE_TIMEOUT, handshakeTimeoutText);
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
                // the peer has not proved itself: the reason code only, never our cluster name or node id
                peer.channel.closeWith(peer.refusal, REFUSED_TEXT);
            }
        }
        return work;
    }

    /**
     * Counts and logs a refused connection (also for refusals after authentication: divergence, stale epoch). The
     * WARN lines are rate limited ({@code maxRefusalLogsPerMinute}); the count is exact.
     *
     * @param remote the peer's address; formatted only when a line is written.
     */
    void refused(final Object remote, final CloseReason reason, final String text)
    {
        lastRefusalReason = reason;
        lastRefusalText = text;
        refusedConnections = refusedConnections + 1;
        if (refusalLog.tryAcquire(nowNs))
        {
            LOG.warn("Replication source refused connection from {}: {} ({}); {} similar lines suppressed", remote,
                reason, text, refusalLog.takeSuppressed());
        }
    }

    /** Connections evicted to make room for newer ones. */
    long evictions()
    {
        return evictions;
    }

    /** Refusal lines not written because of the rate limit. */
    long suppressedRefusalLogs()
    {
        return refusalLog.suppressedTotal();
    }

    long refusedConnections()
    {
        return refusedConnections;
    }

    String lastRefusal()
    {
        final CloseReason reason = lastRefusalReason;
        return reason == null ? "" : reason + ": " + lastRefusalText;
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
