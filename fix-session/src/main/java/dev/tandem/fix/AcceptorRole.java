package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.Tags;
import dev.tandem.journal.LogRateLimiter;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The acceptor's part of a {@link FixEngine}: the listening socket, accepting connections within the pre-Logon
 * limits (maxPendingConnections, maxPendingPerAddress), the logon timeout of connections that have not logged on,
 * and a first message's Logon matched to a configured session (or refused).
 * <p>
 * Not thread safe except where noted: the engine's duty-cycle thread.
 */
final class AcceptorRole implements EngineRole
{
    /** The engine's logger: the log lines keep the category they always had. */
    private static final Logger LOG = LoggerFactory.getLogger(FixEngine.class);

    private final FixEngine engine;
    private final LogRateLimiter acceptLog = new LogRateLimiter(1, TimeUnit.SECONDS.toNanos(10));
    private ServerSocketChannel serverChannel;
    private volatile boolean logonsEnabled;
    private volatile long acceptFailures;
    private volatile long evictedConnections;

    /** Creates the engine for {@code context} in the acceptor role and binds the listening port at once. */
    AcceptorRole(final FixContext context)
    {
        this.engine = new FixEngine(context, this);
        this.logonsEnabled = context.logonsEnabled();
        bind();
    }

    FixEngine engine()
    {
        return engine;
    }

    private void bind()
    {
        try
        {
            final ServerSocketChannel adopted = engine.context().serverChannel();
            if (adopted != null)
            {
                // a bound socket handed over (a node's standby listener): what waits in its backlog is served
                serverChannel = adopted;
            }
            else
            {
                serverChannel = ServerSocketChannel.open();
                serverChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                serverChannel.bind(new InetSocketAddress(engine.context().bindAddress(), engine.context().port()));
            }
            serverChannel.configureBlocking(false);
            serverChannel.register(engine.selector(), SelectionKey.OP_ACCEPT);
            engine.context().idleWaker().watch(serverChannel, SelectionKey.OP_ACCEPT);
            LOG.info("FIX acceptor listening on {}", serverChannel.getLocalAddress());
        }
        catch (final IOException ex)
        {
            final FixContext context = engine.context();
            CloseHelper.quietClose(serverChannel);
            CloseHelper.quietClose(engine.selector());
            throw new IllegalArgumentException(
                "bindAddress=" + context.bindAddress() + ", port=" + context.port() + ": cannot listen: " + ex, ex);
        }
    }

    int boundPort()
    {
        return serverChannel == null ? -1 : serverChannel.socket().getLocalPort();
    }

    /** Any thread. */
    void logonsEnabled(final boolean enabled)
    {
        logonsEnabled = enabled;
    }

    /** Any thread. */
    boolean logonsEnabled()
    {
        return logonsEnabled;
    }

    /** Any thread. */
    long evictedConnections()
    {
        return evictedConnections;
    }

    /** Any thread. */
    long acceptFailures()
    {
        return acceptFailures;
    }

    @Override
    public void onAcceptable()
    {
        accept();
    }

    @Override
    public void onConnectable(final Connection connection)
    {
        throw new IllegalStateException("an acceptor has no connect in progress: " + connection.remote);
    }

    @Override
    public void onUnboundConnectionLost(final Connection connection, final String reason)
    {
        // nothing to report: the connection never logged on
    }

    @Override
    public int pollUnbound(final long nowNs)
    {
        int work = 0;
        final long logonTimeoutNs = engine.context().logonTimeoutMs() * 1_000_000L;
        final ArrayList<Connection> connections = engine.connections();
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            final Connection connection = connections.get(i);
            if (connection.session == null && nowNs - connection.openedNs > logonTimeoutNs)
            {
                engine.closeConnection(connection, "no Logon within " + engine.context().logonTimeoutMs() + " ms");
                work++;
            }
        }
        return work;
    }

    @Override
    public void onLoggedOn(final FixSession session)
    {
        // counted and logged by the engine
    }

    @Override
    public void onSessionDisconnected(final FixSession session, final boolean wasLoggedOn, final String reason)
    {
        // the application heard onLogout from the session
    }

    @Override
    public void close()
    {
        CloseHelper.quietClose(serverChannel);
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    private void accept()
    {
        // bounded per pass so a connect flood cannot starve the logged-on sessions
        for (int i = 0; i < FixEngine.MAX_ACCEPTS_PER_PASS; i++)
        {
            final SocketChannel channel;
            try
            {
                channel = serverChannel.accept();
            }
            catch (final IOException ex)
            {
                // e.g. too many open files: the acceptor lives on and tries again next pass
                acceptFailures++;
                if (acceptLog.tryAcquire(engine.nowNs()))
                {
                    LOG.warn("FIX acceptor: accept failed: {} ({} similar suppressed)", ex.toString(),
                        acceptLog.takeSuppressed());
                }
                return;
            }
            if (channel == null)
            {
                return;
            }
            admit(channel);
        }
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    private void admit(final SocketChannel channel)
    {
        SelectionKey key = null;
        try
        {
            final InetSocketAddress remote = (InetSocketAddress)channel.getRemoteAddress();
            if (remote == null)
            {
                CloseHelper.quietClose(channel);
                return;
            }
            final InetAddress host = remote.getAddress();
            int pending = 0;
            int sameHost = 0;
            final ArrayList<Connection> connections = engine.connections();
            for (int i = 0; i < connections.size(); i++)
            {
                final Connection other = connections.get(i);
                if (other.session == null)
                {
                    pending++;
                    if (host.equals(other.remoteAddress))
                    {
                        sameHost++;
                    }
                }
            }
            if (sameHost >= engine.context().maxPendingPerAddress())
            {
                if (!closeOldestPending(host, "no Logon yet and this host has " + sameHost +
                    " connections waiting (maxPendingPerAddress)"))
                {
                    refuseAtAccept(channel, remote);
                    return;
                }
                pending--;
            }
            if (pending >= engine.context().maxPendingConnections() && !closeOldestPending(null, "no Logon yet and " +
                pending + " connections are waiting (maxPendingConnections)"))
            {
                refuseAtAccept(channel, remote);
                return;
            }
            FixEngine.configure(channel);
            key = channel.register(engine.selector(), SelectionKey.OP_READ);
            engine.context().idleWaker().watch(channel, SelectionKey.OP_READ);
            final Connection connection = new Connection(
                channel, key, engine.preLogonCapacity(), engine.nowNs(), remote.toString(), host);
            key.attach(connection);
            connections.add(connection);
            if (engine.connectionLog().tryAcquire(engine.nowNs()))
            {
                LOG.info("FIX connection accepted from {} ({} similar lines suppressed)", connection.remote,
                    engine.connectionLog().takeSuppressed());
            }
        }
        catch (final IOException | RuntimeException | OutOfMemoryError ex)
        {
            // never let one connection's failure (direct memory exhausted, a reset) kill the acceptor or leak a socket
            if (key != null)
            {
                key.cancel();
            }
            CloseHelper.quietClose(channel);
            acceptFailures++;
            if (acceptLog.tryAcquire(engine.nowNs()))
            {
                LOG.warn("FIX acceptor: connection dropped at accept: {} ({} similar suppressed)", ex.toString(),
                    acceptLog.takeSuppressed());
            }
        }
    }

    /** Every waiting slot holds a connection accepted in this same pass, not yet read: the newcomer is closed. */
    private void refuseAtAccept(final SocketChannel channel, final InetSocketAddress remote)
    {
        CloseHelper.quietClose(channel);
        evictedConnections++;
        if (engine.refusalLog().tryAcquire(engine.nowNs()))
        {
            LOG.warn("FIX connection {} refused: every pre-Logon slot holds a connection accepted in this burst " +
                "({} similar suppressed)", remote, engine.refusalLog().takeSuppressed());
        }
    }

    /**
     * Closes the oldest connection still waiting for its Logon (from {@code host}, or any host when null); one
     * accepted in this same pass is spared, as it has not been read yet.
     *
     * @return false when there was none to close.
     */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    private boolean closeOldestPending(final InetAddress host, final String reason)
    {
        final ArrayList<Connection> connections = engine.connections();
        final long nowNs = engine.nowNs();
        Connection oldest = null;
        for (int i = 0; i < connections.size(); i++)
        {
            final Connection candidate = connections.get(i);
            // an acceptor has no connect in progress: every unbound connection waits for its Logon
            if (candidate.session == null && candidate.openedNs != nowNs &&
                (host == null || host.equals(candidate.remoteAddress)) &&
                (oldest == null || candidate.openedNs - oldest.openedNs < 0))
            {
                oldest = candidate;
            }
        }
        if (oldest != null)
        {
            evictedConnections++;
            engine.closeConnection(oldest, reason);
            return true;
        }
        return false;
    }

    @Override
    public void onUnboundFrame(final Connection connection, final FixDecoder decoder)
    {
        if (!decoder.isMsgType('A'))
        {
            engine.closeConnection(connection, "first message is not a Logon");
            return;
        }
        FixSession session = null;
        for (final FixSession candidate : engine.sessions())
        {
            final SessionConfig config = candidate.config();
            if (decoder.valueEquals(Tags.BEGIN_STRING, config.beginString()) &&
                decoder.valueEquals(Tags.SENDER_COMP_ID, config.targetCompId()) &&
                decoder.valueEquals(Tags.TARGET_COMP_ID, config.senderCompId()))
            {
                session = candidate;
                break;
            }
        }
        if (session == null)
        {
            if (engine.refusalLog().tryAcquire(engine.nowNs()))
            {
                LOG.warn("FIX connection {} refused: Logon for an unknown session (BeginString {}, SenderCompID {}, " +
                    "TargetCompID {}) ({} similar suppressed)", connection.remote,
                    decoder.stringValue(Tags.BEGIN_STRING), decoder.stringValue(Tags.SENDER_COMP_ID),
                    decoder.stringValue(Tags.TARGET_COMP_ID), engine.refusalLog().takeSuppressed());
            }
            engine.closeConnection(connection, "Logon for an unknown session");
            return;
        }
        if (!logonsEnabled)
        {
            engine.closeConnection(connection, "Logon refused: logons are disabled on this node");
            return;
        }
        if (session.connection() != null)
        {
            engine.closeConnection(connection, "Logon refused: " + session.config() + " is already logged on");
            return;
        }
        try
        {
            // the full inbound buffer only now: before Logon a connection holds a few KiB; the Logon's decoder moves
            // with the bytes
            connection.growInbound(engine.inboundCapacity(), decoder);
        }
        catch (final OutOfMemoryError ex)
        {
            engine.refuse(connection, "Logon refused: no memory for the session's inbound buffer: " + ex.getMessage());
            return;
        }
        session.logon.acceptLogon(connection, decoder);
    }
}
