package dev.tandem.systemtests.chaos;

import dev.tandem.test.fix.QuickFixJRecordingApplication;
import dev.tandem.test.fix.ReceivedLedger;
import quickfix.ConfigError;
import quickfix.DefaultMessageFactory;
import quickfix.FileStoreFactory;
import quickfix.Log;
import quickfix.LogFactory;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionSettings;
import quickfix.SocketInitiator;
import quickfix.field.ClOrdID;
import quickfix.field.OrdType;
import quickfix.field.OrderQty;
import quickfix.field.Price;
import quickfix.field.Side;
import quickfix.field.Symbol;
import quickfix.field.TransactTime;
import quickfix.fix44.NewOrderSingle;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A QuickFIX/J 3.0.0 initiator as most counterparties run one: two SocketConnectHosts (node 1 first), a FileStore,
 * ReconnectInterval 1 s, and no NextExpectedMsgSeqNum (789) in its Logon. Every raw message it receives is kept
 * through its {@link Log} (QuickFIX/J hands the log the message string before parsing it).
 * <p>
 * Threading: QuickFIX/J's threads call the application and the log; one sender thread of ours paces the orders.
 */
final class QuickFixJChaosInitiator implements ChaosInitiator
{
    /** Orders at most sent at once to catch up after a pause of the sender, like the demo's OrderFlow. */
    private static final int MAX_BURST = 50;
    private static final String TOO_LOW = "MsgSeqNum too low";

    private final SocketInitiator initiator;
    private final SessionID sessionId = new SessionID("FIX.4.4", "TW", "ISLD");
    private final long periodNs;
    private final Thread sender;
    private final QuickFixJRecordingApplication answers =
        new QuickFixJRecordingApplication(ReceivedLedger.unbounded(), ClOrdID.FIELD);
    private final List<byte[]> received = new ArrayList<>();
    private final AtomicInteger tooLow = new AtomicInteger();
    private volatile boolean running = true;
    private volatile boolean sending = true;
    private volatile long sent;

    QuickFixJChaosInitiator(final int[] fixPorts, final Path storeDir, final int heartbeatSec, final int ratePerSecond)
    {
        periodNs = TimeUnit.SECONDS.toNanos(1) / Math.max(1, ratePerSecond);
        final SessionSettings settings = new SessionSettings();
        settings.setString(sessionId, "ConnectionType", "initiator");
        settings.setString(sessionId, "BeginString", "FIX.4.4");
        settings.setString(sessionId, "SocketConnectHost", "127.0.0.1");
        settings.setString(sessionId, "SocketConnectPort", Integer.toString(fixPorts[0]));
        settings.setString(sessionId, "SocketConnectHost1", "127.0.0.1");
        settings.setString(sessionId, "SocketConnectPort1", Integer.toString(fixPorts[1]));
        settings.setString(sessionId, "StartTime", "00:00:00");
        settings.setString(sessionId, "EndTime", "00:00:00");
        settings.setString(sessionId, "NonStopSession", "Y");
        settings.setString(sessionId, "HeartBtInt", Integer.toString(heartbeatSec));
        settings.setString(sessionId, "ReconnectInterval", "1");
        settings.setString(sessionId, "UseDataDictionary", "Y");
        settings.setString(sessionId, "DataDictionary", "FIX44.xml");
        settings.setString(sessionId, "SocketTcpNoDelay", "Y");
        settings.setString(sessionId, "CheckLatency", "N");
        settings.setString(sessionId, "FileStorePath", storeDir.toString());
        try
        {
            initiator = new SocketInitiator(answers, new FileStoreFactory(settings), settings,
                new KeepingLogFactory(), new DefaultMessageFactory());
            initiator.start();
        }
        catch (final ConfigError ex)
        {
            throw new IllegalStateException("QuickFIX/J initiator config rejected: " + ex.getMessage(), ex);
        }
        sender = new Thread(this::sendLoop, "chaos-qfj-sender");
        sender.setDaemon(true);
        sender.start();
    }

    private void sendLoop()
    {
        long nextNs = 0;
        while (running)
        {
            final Session session = Session.lookupSession(sessionId);
            if (!sending || session == null || !session.isLoggedOn())
            {
                nextNs = 0;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                continue;
            }
            final long nowNs = System.nanoTime();
            if (nextNs == 0 || nowNs - nextNs > MAX_BURST * periodNs)
            {
                nextNs = nowNs;
            }
            int burst = 0;
            while (nowNs - nextNs >= 0 && burst < MAX_BURST && sending)
            {
                final long id = sent + 1;
                final NewOrderSingle order = new NewOrderSingle(new ClOrdID(Long.toString(id)), new Side(Side.BUY),
                    new TransactTime(LocalDateTime.now(ZoneOffset.UTC)), new OrdType(OrdType.LIMIT));
                order.set(new Symbol("TNDM"));
                order.set(new OrderQty(100));
                order.set(new Price(100 + id % 100));
                // once handed over, QuickFIX/J has journaled it under a MsgSeqNum: sent now or resent on request
                session.send(order);
                sent = id;
                nextNs += periodNs;
                burst++;
            }
            LockSupport.parkNanos(Math.max(100_000L, Math.min(periodNs, nextNs - System.nanoTime())));
        }
    }

    /** Keeps every incoming message string and counts "MsgSeqNum too low" wherever it shows. */
    private final class KeepingLogFactory implements LogFactory
    {
        @Override
        public Log create(final SessionID sessionId)
        {
            return new Log()
            {
                @Override
                public void clear()
                {
                }

                @Override
                public void onIncoming(final String message)
                {
                    synchronized (received)
                    {
                        received.add(message.getBytes(StandardCharsets.ISO_8859_1));
                    }
                    if (message.contains(TOO_LOW))
                    {
                        tooLow.incrementAndGet();
                    }
                }

                @Override
                public void onOutgoing(final String message)
                {
                }

                @Override
                public void onEvent(final String text)
                {
                    count(text);
                }

                @Override
                public void onErrorEvent(final String text)
                {
                    count(text);
                }

                @Override
                public void onWarnEvent(final String text)
                {
                    count(text);
                }

                private void count(final String text)
                {
                    if (text.contains(TOO_LOW))
                    {
                        tooLow.incrementAndGet();
                    }
                }
            };
        }
    }

    @Override
    public String name()
    {
        return "quickfixj";
    }

    @Override
    public long sent()
    {
        return sent;
    }

    @Override
    public long answered()
    {
        return answers.ledger().distinct();
    }

    @Override
    public long duplicates()
    {
        return answers.ledger().duplicatesWithoutPossDup();
    }

    @Override
    public long possDupRepeats()
    {
        return answers.ledger().possDupRepeats();
    }

    @Override
    public int logons()
    {
        return answers.logons();
    }

    @Override
    public boolean isLoggedOn()
    {
        final Session session = Session.lookupSession(sessionId);
        return session != null && session.isLoggedOn();
    }

    @Override
    public void stopSending()
    {
        sending = false;
    }

    @Override
    public List<Long> unansweredIds(final int max)
    {
        final List<Long> ids = new ArrayList<>();
        for (final int id : answers.ledger().unreceived(1, (int)Math.min(Integer.MAX_VALUE, sent), max))
        {
            ids.add((long)id);
        }
        return ids;
    }

    @Override
    public List<byte[]> received()
    {
        synchronized (received)
        {
            return new ArrayList<>(received);
        }
    }

    @Override
    public int sequenceTooLow()
    {
        return tooLow.get();
    }

    @Override
    public void close()
    {
        running = false;
        sending = false;
        try
        {
            sender.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        initiator.stop(true);
    }
}
