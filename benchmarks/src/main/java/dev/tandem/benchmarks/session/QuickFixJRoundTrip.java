package dev.tandem.benchmarks.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import quickfix.ApplicationAdapter;
import quickfix.DefaultMessageFactory;
import quickfix.FieldNotFound;
import quickfix.FileStoreFactory;
import quickfix.Message;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionNotFound;
import quickfix.SessionSettings;
import quickfix.SocketAcceptor;
import quickfix.SocketInitiator;

import dev.tandem.node.Dirs;

/**
 * The same round trip through QuickFIX/J 3.0.0: a SocketInitiator sends NewOrderSingles at a fixed rate from a
 * sender thread, a SocketAcceptor echoes each one from {@code fromApp}, and the initiator's {@code fromApp} times the
 * echo from the intended send time. Both use a {@link FileStoreFactory} in a temporary directory.
 * <p>
 * Threading: QuickFIX/J's threads plus one sender thread; {@link #run} on the caller's thread.
 */
final class QuickFixJRoundTrip
{
    private QuickFixJRoundTrip()
    {
    }

    static RoundTripRecorder run(final RoundTripRecorder recorder) throws Exception
    {
        final Path dir = Files.createTempDirectory("tandem-bench-qfj-");
        final SessionID acceptorId = new SessionID("FIX.4.4", "ISLD", "TW44");
        final SessionID initiatorId = new SessionID("FIX.4.4", "TW44", "ISLD");
        try
        {
            final SessionSettings acceptorSettings = settings(dir.resolve("acceptor"));
            acceptorSettings.setString(acceptorId, "ConnectionType", "acceptor");
            acceptorSettings.setString(acceptorId, "SocketAcceptAddress", "127.0.0.1");
            acceptorSettings.setString(acceptorId, "SocketAcceptPort", "0");
            final SocketAcceptor acceptor = new SocketAcceptor(new Echo(),
                new FileStoreFactory(acceptorSettings), acceptorSettings, null, new DefaultMessageFactory());
            acceptor.start();
            try
            {
                final int port = acceptor.getEndpoints().stream()
                    .mapToInt(e -> ((java.net.InetSocketAddress)e.getLocalAddress()).getPort()).findFirst()
                    .orElseThrow();
                final SessionSettings initiatorSettings = settings(dir.resolve("initiator"));
                initiatorSettings.setString(initiatorId, "ConnectionType", "initiator");
                initiatorSettings.setString(initiatorId, "SocketConnectHost", "127.0.0.1");
                initiatorSettings.setString(initiatorId, "SocketConnectPort", Integer.toString(port));
                initiatorSettings.setString(initiatorId, "HeartBtInt", "30");
                initiatorSettings.setString(initiatorId, "ReconnectInterval", "1");
                final Timer timer = new Timer(recorder);
                final SocketInitiator initiator = new SocketInitiator(timer,
                    new FileStoreFactory(initiatorSettings), initiatorSettings, null, new DefaultMessageFactory());
                initiator.start();
                try
                {
                    Bench.await("QuickFIX/J logon", () -> Session.lookupSession(initiatorId) != null &&
                        Session.lookupSession(initiatorId).isLoggedOn());
                    final Session session = Session.lookupSession(initiatorId);
                    recorder.start(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
                    final Thread sender = new Thread(() -> send(session, recorder), "bench-qfj-sender");
                    sender.start();
                    Bench.awaitEchoes(recorder);
                    sender.join();
                }
                finally
                {
                    initiator.stop();
                }
            }
            finally
            {
                acceptor.stop();
            }
        }
        finally
        {
            Dirs.deleteRecursively(dir);
        }
        return recorder;
    }

    private static SessionSettings settings(final Path storeDir)
    {
        final SessionSettings settings = new SessionSettings();
        settings.setString("BeginString", "FIX.4.4");
        settings.setString("StartTime", "00:00:00");
        settings.setString("EndTime", "00:00:00");
        settings.setString("NonStopSession", "Y");
        settings.setString("UseDataDictionary", "Y");
        settings.setString("DataDictionary", "FIX44.xml");
        settings.setString("ResetOnLogon", "Y");
        settings.setString("SocketTcpNoDelay", "Y");
        settings.setString("FileStorePath", storeDir.toString());
        return settings;
    }

    private static void send(final Session session, final RoundTripRecorder recorder)
    {
        for (int id = 0; id < recorder.totalMessages(); id++)
        {
            final long intendedNs = recorder.intendedSendNs(id);
            long now;
            while ((now = System.nanoTime()) < intendedNs)
            {
                if (intendedNs - now > 50_000)
                {
                    LockSupport.parkNanos(intendedNs - now - 50_000);
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
            final Message order = new Message();
            order.getHeader().setString(35, "D");
            order.setInt(11, id);
            order.setChar(21, '1');
            order.setString(55, "TNDM");
            order.setChar(54, '1');
            order.setUtcTimeStamp(60, java.time.LocalDateTime.now(java.time.ZoneOffset.UTC));
            order.setChar(40, '2');
            order.setInt(38, 100);
            order.setDecimal(44, new java.math.BigDecimal("101.25"));
            session.send(order);
        }
    }

    /** Echoes every application message: same MsgType and body, fresh header. */
    private static final class Echo extends ApplicationAdapter
    {
        @Override
        public void fromApp(final Message message, final SessionID sessionId) throws FieldNotFound
        {
            final Message echo = (Message)message.clone();
            final String msgType = message.getHeader().getString(35);
            echo.getHeader().clear();
            echo.getTrailer().clear();
            echo.getHeader().setString(35, msgType);
            try
            {
                Session.sendToTarget(echo, sessionId);
            }
            catch (final SessionNotFound ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    /** Times each echo. */
    private static final class Timer extends ApplicationAdapter
    {
        private final RoundTripRecorder recorder;

        Timer(final RoundTripRecorder recorder)
        {
            this.recorder = recorder;
        }

        @Override
        public void fromApp(final Message message, final SessionID sessionId) throws FieldNotFound
        {
            recorder.onEcho(message.getInt(11), System.nanoTime());
        }
    }
}
