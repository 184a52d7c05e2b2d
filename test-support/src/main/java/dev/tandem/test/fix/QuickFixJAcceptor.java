package dev.tandem.test.fix;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.mina.core.service.IoAcceptor;
import quickfix.Application;
import quickfix.ConfigError;
import quickfix.DefaultMessageFactory;
import quickfix.FileStoreFactory;
import quickfix.MemoryStoreFactory;
import quickfix.MessageStoreFactory;
import quickfix.SessionID;
import quickfix.SessionSettings;
import quickfix.SocketAcceptor;

/**
 * A real QuickFIX/J 3.0.0 {@link SocketAcceptor} on 127.0.0.1 and an ephemeral port, as a reference peer for tests.
 * Sessions are FIX.4.4 with the data dictionary on; the store is in memory unless a directory is given.
 * <p>
 * Threading: start and close from the test thread; QuickFIX/J runs its own threads, all stopped by {@link #close()}.
 */
public final class QuickFixJAcceptor implements AutoCloseable
{
    private final SocketAcceptor acceptor;
    private final int port;

    private QuickFixJAcceptor(final SocketAcceptor acceptor, final int port)
    {
        this.acceptor = acceptor;
        this.port = port;
    }

    /**
     * Starts an acceptor.
     *
     * @param application the application, e.g. {@link QuickFixJEchoApplication}.
     * @param senderCompId the acceptor's CompID, e.g. {@code ISLD}.
     * @param targetCompIds the counterparties, e.g. {@code TW44} and {@code TW}: one session each.
     * @param fileStoreDir a directory for a {@link FileStoreFactory}, or {@code null} for a memory store.
     * @param extraSettings further {@code [default]} settings, e.g. {@code ResetOnLogon=Y}; may be empty.
     * @return the started acceptor.
     */
    public static QuickFixJAcceptor start(
        final Application application,
        final String senderCompId,
        final List<String> targetCompIds,
        final Path fileStoreDir,
        final Map<String, String> extraSettings)
    {
        final SessionSettings settings = new SessionSettings();
        final Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("ConnectionType", "acceptor");
        defaults.put("SocketAcceptAddress", "127.0.0.1");
        defaults.put("SocketAcceptPort", "0");
        defaults.put("StartTime", "00:00:00");
        defaults.put("EndTime", "00:00:00");
        defaults.put("NonStopSession", "Y");
        defaults.put("UseDataDictionary", "Y");
        defaults.put("DataDictionary", "FIX44.xml");
        defaults.put("SocketTcpNoDelay", "Y");
        defaults.putAll(extraSettings);
        if (fileStoreDir != null)
        {
            defaults.put("FileStorePath", fileStoreDir.toString());
        }
        defaults.forEach(settings::setString);
        final List<SessionID> ids = new ArrayList<>();
        for (final String target : targetCompIds)
        {
            final SessionID id = new SessionID("FIX.4.4", senderCompId, target);
            settings.setString(id, "BeginString", "FIX.4.4");
            ids.add(id);
        }
        final MessageStoreFactory store = fileStoreDir == null ?
            new MemoryStoreFactory() : new FileStoreFactory(settings);
        try
        {
            final SocketAcceptor acceptor = new SocketAcceptor(application, store, settings, null,
                new DefaultMessageFactory());
            acceptor.start();
            int port = -1;
            for (final IoAcceptor endpoint : acceptor.getEndpoints())
            {
                port = ((InetSocketAddress)endpoint.getLocalAddress()).getPort();
            }
            if (port <= 0)
            {
                acceptor.stop(true);
                throw new IllegalStateException("QuickFIX/J acceptor has no bound endpoint");
            }
            return new QuickFixJAcceptor(acceptor, port);
        }
        catch (final ConfigError ex)
        {
            throw new IllegalStateException("QuickFIX/J acceptor config rejected: " + ex.getMessage(), ex);
        }
    }

    /** @return the bound port on 127.0.0.1. */
    public int port()
    {
        return port;
    }

    /** @return the bound address. */
    public InetSocketAddress address()
    {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** @return the underlying acceptor, e.g. to look up sessions. */
    public SocketAcceptor acceptor()
    {
        return acceptor;
    }

    /**
     * Waits until every session of this acceptor has finished with its previous connection: QuickFIX/J tears a
     * session down on its own thread after the socket closes (responder first, then the logon/logout flags and, with
     * ResetOnDisconnect, the sequence numbers), and a Logon that arrives before that is refused.
     *
     * @param timeout how long to wait before failing.
     */
    public void awaitNoConnectedSession(final java.time.Duration timeout)
    {
        dev.tandem.test.Tests.await("QuickFIX/J sessions released their previous connection", timeout, () ->
        {
            for (final quickfix.Session session : acceptor.getManagedSessions())
            {
                if (session.hasResponder() || session.isLogonReceived() || session.isLogonSent() ||
                    session.isLogoutSent() || session.isLogoutReceived())
                {
                    return false;
                }
            }
            return true;
        });
    }

    /** Stops the acceptor, disconnecting every session at once. */
    @Override
    public void close()
    {
        acceptor.stop(true);
    }
}
