package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The initiator's part of a {@link FixEngine}: one connect at a time for its one session, the connect timeout, and
 * the {@link InitiatorListener} told of every outcome (Logon completed, connect failed, disconnected).
 * <p>
 * Not thread safe: the engine's duty-cycle thread.
 */
final class InitiatorRole implements EngineRole
{
    /** The engine's logger: the log lines keep the category they always had. */
    private static final Logger LOG = LoggerFactory.getLogger(FixEngine.class);

    private final FixEngine engine;
    private Connection connecting;
    private String connectHost;
    private int connectPort;
    private long connectDeadlineNs;

    /** Creates the engine for {@code context} in the initiator role; nothing connects yet. */
    InitiatorRole(final FixContext context)
    {
        this.engine = new FixEngine(context, this);
    }

    FixEngine engine()
    {
        return engine;
    }

    /** One attempt: connects to {@code host:port} and sends the Logon once connected. */
    void connect(final String host, final int port)
    {
        final FixSession session = engine.sessions()[0];
        if (connecting != null || session.connection() != null)
        {
            engine.context().initiatorListener().onConnectionFailed(host, port, "already connected or connecting");
            return;
        }
        connectHost = host;
        connectPort = port;
        SocketChannel channel = null;
        try
        {
            channel = SocketChannel.open();
            FixEngine.configure(channel);
            final boolean connected = channel.connect(new InetSocketAddress(host, port));
            final SelectionKey key = channel.register(
                engine.selector(), connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            engine.context().idleWaker().watch(channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT);
            final Connection connection = new Connection(
                channel, key, engine.inboundCapacity(), engine.nowNs(), host + ":" + port, null);
            key.attach(connection);
            engine.connections().add(connection);
            if (connected)
            {
                session.logon.initiatorConnected(connection);
            }
            else
            {
                connecting = connection;
                connectDeadlineNs = engine.nowNs() + engine.context().connectTimeoutMs() * 1_000_000L;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            engine.context().initiatorListener().onConnectionFailed(host, port, String.valueOf(ex));
        }
    }

    @Override
    public void onConnectable(final Connection connection)
    {
        try
        {
            if (!connection.channel.finishConnect())
            {
                return;
            }
        }
        catch (final IOException ex)
        {
            connecting = null;
            engine.closeConnection(connection, "connect failed: " + ex.getMessage());
            connectionFailed("connect failed: " + ex.getMessage());
            return;
        }
        connecting = null;
        connection.key.interestOps(SelectionKey.OP_READ);
        engine.context().idleWaker().watch(connection.channel, SelectionKey.OP_READ);
        LOG.info("FIX initiator connected to {}", connection.remote);
        engine.sessions()[0].logon.initiatorConnected(connection);
    }

    private void connectionFailed(final String reason)
    {
        LOG.info("FIX connect to {}:{} failed: {}", connectHost, connectPort, reason);
        engine.context().initiatorListener().onConnectionFailed(connectHost, connectPort, reason);
    }

    @Override
    public void onAcceptable()
    {
        // an initiator does not listen; a key left without its connection (creating it failed) is ignored
    }

    @Override
    public void onUnboundFrame(final Connection connection, final FixDecoder decoder)
    {
        // the session is bound as soon as the connect completes: nothing arrives before
    }

    @Override
    public void onUnboundConnectionLost(final Connection connection, final String reason)
    {
        if (connection == connecting)
        {
            connecting = null;
            connectionFailed(reason);
        }
    }

    @Override
    public int pollUnbound(final long nowNs)
    {
        if (connecting != null && nowNs - connectDeadlineNs >= 0)
        {
            final Connection connection = connecting;
            connecting = null;
            engine.closeConnection(connection, "connect timed out");
            connectionFailed("connect timed out after " + engine.context().connectTimeoutMs() + " ms");
            return 1;
        }
        return 0;
    }

    @Override
    public void onLoggedOn(final FixSession session)
    {
        engine.context().initiatorListener().onLogonCompleted(session, connectHost, connectPort);
    }

    @Override
    public void onSessionDisconnected(final FixSession session, final boolean wasLoggedOn, final String reason)
    {
        if (wasLoggedOn)
        {
            engine.context().initiatorListener().onDisconnected(session, connectHost, connectPort);
        }
        else
        {
            connectionFailed(reason);
        }
    }

    @Override
    public void close()
    {
        connecting = null;
    }
}
