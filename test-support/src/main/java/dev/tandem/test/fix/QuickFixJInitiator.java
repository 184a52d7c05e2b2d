package dev.tandem.test.fix;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import quickfix.Application;
import quickfix.ConfigError;
import quickfix.DefaultMessageFactory;
import quickfix.FileStoreFactory;
import quickfix.MemoryStoreFactory;
import quickfix.MessageStoreFactory;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionSettings;
import quickfix.SocketInitiator;

/**
 * A real QuickFIX/J 3.0.0 {@link SocketInitiator} with one session (FIX.4.4 unless told) to loopback addresses, as
 * a reference peer for tests. It reconnects by itself after {@code ReconnectInterval} (1 s unless set) when the connection drops.
 * <p>
 * Threading: start and close from the test thread; QuickFIX/J runs its own threads, all stopped by {@link #close()}.
 */
public final class QuickFixJInitiator implements AutoCloseable
{
    private final SocketInitiator initiator;
    private final SessionID sessionId;

    private QuickFixJInitiator(final SocketInitiator initiator, final SessionID sessionId)
    {
        this.initiator = initiator;
        this.sessionId = sessionId;
    }

    /**
     * Starts an initiator; it connects and logs on at once.
     *
     * @param application   the application.
     * @param senderCompId  our CompID, e.g. {@code TW44}.
     * @param targetCompId  the acceptor's CompID, e.g. {@code ISLD}.
     * @param address       the acceptor (or a proxy), on loopback.
     * @param fileStoreDir  a directory for a {@link FileStoreFactory}, or {@code null} for a memory store.
     * @param extraSettings further session settings, e.g. {@code HeartBtInt}; may be empty.
     * @return the started initiator.
     */
    public static QuickFixJInitiator start(
        final Application application,
        final String senderCompId,
        final String targetCompId,
        final InetSocketAddress address,
        final Path fileStoreDir,
        final Map<String, String> extraSettings)
    {
        return start(application, "FIX.4.4", senderCompId, targetCompId, List.of(address), fileStoreDir,
            extraSettings);
    }

    /**
     * Starts an initiator for {@code beginString} (FIX.4.2 or FIX.4.4, with QuickFIX/J's data dictionary for it)
     * that tries {@code addresses} in turn (SocketConnectHost, SocketConnectHost1, ...), as an initiator facing a
     * primary and a secondary does; it connects and logs on at once.
     */
    public static QuickFixJInitiator start(
        final Application application,
        final String beginString,
        final String senderCompId,
        final String targetCompId,
        final List<InetSocketAddress> addresses,
        final Path fileStoreDir,
        final Map<String, String> extraSettings)
    {
        final SessionSettings settings = new SessionSettings();
        final SessionID id = new SessionID(beginString, senderCompId, targetCompId);
        final Map<String, String> values = new LinkedHashMap<>();
        values.put("ConnectionType", "initiator");
        values.put("BeginString", beginString);
        for (int i = 0; i < addresses.size(); i++)
        {
            final String suffix = i == 0 ? "" : Integer.toString(i);
            values.put("SocketConnectHost" + suffix, addresses.get(i).getAddress().getHostAddress());
            values.put("SocketConnectPort" + suffix, Integer.toString(addresses.get(i).getPort()));
        }
        values.put("StartTime", "00:00:00");
        values.put("EndTime", "00:00:00");
        values.put("NonStopSession", "Y");
        values.put("HeartBtInt", "30");
        values.put("ReconnectInterval", "1");
        values.put("UseDataDictionary", "Y");
        values.put("DataDictionary", beginString.replace("FIX.", "FIX").replace(".", "") + ".xml");
        values.put("SocketTcpNoDelay", "Y");
        values.putAll(extraSettings);
        if (fileStoreDir != null)
        {
            values.put("FileStorePath", fileStoreDir.toString());
        }
        values.forEach((key, value) -> settings.setString(id, key, value));
        final MessageStoreFactory store = fileStoreDir == null ?
            new MemoryStoreFactory() : new FileStoreFactory(settings);
        try
        {
            final SocketInitiator initiator = new SocketInitiator(application, store, settings, null,
                new DefaultMessageFactory());
            initiator.start();
            return new QuickFixJInitiator(initiator, id);
        }
        catch (final ConfigError ex)
        {
            throw new IllegalStateException("QuickFIX/J initiator config rejected: " + ex.getMessage(), ex);
        }
    }

    /** @return the session id. */
    public SessionID sessionId()
    {
        return sessionId;
    }

    /** @return the session. */
    public Session session()
    {
        return Session.lookupSession(sessionId);
    }

    /** @return true while logged on. */
    public boolean isLoggedOn()
    {
        final Session session = session();
        return session != null && session.isLoggedOn();
    }

    /** Stops the initiator: logs out (waiting briefly for the answer) and disconnects. */
    @Override
    public void close()
    {
        initiator.stop(false);
    }

    /** Stops at once without a Logout. */
    public void kill()
    {
        initiator.stop(true);
    }
}
