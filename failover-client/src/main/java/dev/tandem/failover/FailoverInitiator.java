package dev.tandem.failover;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.FixInitiator;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.InitiatorListener;
import dev.tandem.fix.SessionConfig;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A FIX initiator that fails over: one session with its own journal, so its sequence numbers continue across
 * acceptors and it can answer any acceptor's ResendRequest, driven across an ordered list of acceptors by a
 * {@link ConnectionStrategy}. An attempt counts only when the Logon completes.
 * <pre>
 * FailoverInitiator initiator = FailoverInitiator.start(FailoverInitiatorConfig.load(path), application, listener);
 * initiator.execute(() -&gt; initiator.session().tryClaim("D")...);   // sending happens on the FIX thread
 * </pre>
 * Threading: {@link #start} and {@link #close()} on one thread; {@link #isLoggedOn()}, {@link #execute} and the
 * accessors from any thread. Internally: the FIX initiator's agent thread, and a connecting thread that blocks on the
 * strategy's backoff and on connection outcomes. The application's callbacks run on the FIX thread.
 */
public final class FailoverInitiator implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(FailoverInitiator.class);
    /** Extra time over connect + Logon timeouts before the connecting thread gives up on an attempt itself. */
    private static final long OUTCOME_MARGIN_MS = 1_000;

    private enum Kind
    {
        LOGGED_ON, FAILED, DISCONNECTED
    }

    /** What became of an attempt or a session; {@code switchover}: it ended by a Logout announcing one. */
    private record Outcome(Kind kind, String reason, boolean switchover)
    {
    }

    private final List<InetSocketAddress> addresses;
    private final ConnectionStrategy strategy;
    private final FailoverListener listener;
    private final Journal journal;
    private final FixInitiator initiator;
    private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean loggedOn;
    private volatile int currentIndex = -1;
    private volatile boolean gaveUp;

    private FailoverInitiator(
        final FailoverInitiatorConfig config, final FixApplication application, final FailoverListener listener)
    {
        this.addresses = config.addresses();
        this.strategy = config.connectionStrategy();
        this.listener = listener;
        this.journal = Journal.open(new JournalContext()
            .dir(config.journalDir()).persistence(config.persistence()).conclude());
        final SessionConfig session = new SessionConfig()
            .beginString(config.beginString())
            .senderCompId(config.senderCompId())
            .targetCompId(config.targetCompId())
            .heartbeatIntervalSec(config.heartbeatSec())
            .resetOnLogon(config.resetOnLogon());
        if (config.nextExpectedMsgSeqNum() != null)
        {
            session.nextExpectedMsgSeqNum(config.nextExpectedMsgSeqNum());
        }
        try
        {
            initiator = FixInitiator.create(new FixContext()
                .addSession(session)
                .journal(journal)
                .application(application)
                .connectTimeoutMs(strategy.connectTimeoutMs())
                .logonTimeoutMs(strategy.logonTimeoutMs())
                .agentName("tandem-initiator")
                .initiatorListener(new Events()));
        }
        catch (final RuntimeException ex)
        {
            journal.close();
            throw ex;
        }
        initiator.start();
        thread = new Thread(this::run, "tandem-failover");
        thread.setDaemon(true);
    }

    /** Starts connecting at once, to the first acceptor the strategy names. */
    public static FailoverInitiator start(
        final FailoverInitiatorConfig config, final FixApplication application, final FailoverListener listener)
    {
        final FailoverInitiator failoverInitiator = new FailoverInitiator(config, application, listener);
        failoverInitiator.thread.start();
        return failoverInitiator;
    }

    private void run()
    {
        try
        {
            while (running)
            {
                final int index = strategy.nextAttempt(addresses);
                if (index == ConnectionStrategy.GIVE_UP)
                {
                    gaveUp = true;
                    listener.onGaveUp();
                    return;
                }
                final InetSocketAddress address = addresses.get(index);
                outcomes.clear();
                currentIndex = index;
                initiator.connect(address.getHostString(), address.getPort());
                final Outcome outcome = outcomes.poll(
                    strategy.connectTimeoutMs() + strategy.logonTimeoutMs() + OUTCOME_MARGIN_MS,
                    TimeUnit.MILLISECONDS);
                if (outcome == null || outcome.kind != Kind.LOGGED_ON)
                {
                    final String reason = outcome == null ? "no outcome in time" : outcome.reason;
                    if (outcome == null)
                    {
                        initiator.disconnect();
                        outcomes.poll(200, TimeUnit.MILLISECONDS);
                    }
                    strategy.onAttemptFailed(index, reason);
                    listener.onAttemptFailed(address, index, reason);
                    continue;
                }
                strategy.onLogonCompleted(index);
                loggedOn = true;
                listener.onLoggedOn(address, index);
                Outcome end;
                do
                {
                    end = outcomes.poll(100, TimeUnit.MILLISECONDS);
                }
                while (running && (end == null || end.kind == Kind.LOGGED_ON));
                loggedOn = false;
                if (!running)
                {
                    return;
                }
                if (end.switchover)
                {
                    LOG.info("{} logged us out for a planned switchover: the next acceptor takes over", address);
                    strategy.onSwitchoverAnnounced();
                }
                else
                {
                    strategy.onSessionEnded();
                }
                listener.onSessionEnded(address, index);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final RuntimeException ex)
        {
            LOG.error("failover initiator stopped", ex);
        }
    }

    private final class Events implements InitiatorListener
    {
        @Override
        public void onLogonCompleted(final FixSession session, final String host, final int port)
        {
            outcomes.add(new Outcome(Kind.LOGGED_ON, "", false));
        }

        @Override
        public void onConnectionFailed(final String host, final int port, final String reason)
        {
            outcomes.add(new Outcome(Kind.FAILED, reason, false));
        }

        @Override
        public void onDisconnected(final FixSession session, final String host, final int port)
        {
            final boolean switchover = session.logoutAnnouncedSwitchover();
            outcomes.add(new Outcome(Kind.DISCONNECTED, switchover ? "logged out for a planned switchover" :
                "disconnected", switchover));
        }
    }

    /** True while the session is logged on to some acceptor. */
    public boolean isLoggedOn()
    {
        return loggedOn;
    }

    /** True once the strategy gave up. */
    public boolean hasGivenUp()
    {
        return gaveUp;
    }

    /** The acceptor being tried or logged on to, or null before the first attempt. */
    public InetSocketAddress currentAcceptor()
    {
        final int index = currentIndex;
        return index < 0 ? null : addresses.get(index);
    }

    /** Index of {@link #currentAcceptor()} in the configured list: 0 is the primary. */
    public int currentIndex()
    {
        return currentIndex;
    }

    /** The FIX session; use it on the FIX thread only (inside the application's callbacks or {@link #execute}). */
    public FixSession session()
    {
        return initiator.session();
    }

    /** Runs {@code task} on the FIX thread (allocates: for control and tests, not hot paths). */
    public void execute(final Runnable task)
    {
        initiator.execute(task);
    }

    /** Drops the current connection (no Logout); the strategy then reconnects. Any thread. */
    public void disconnect()
    {
        initiator.disconnect();
    }

    /** ResendRequests this initiator served from its journal. */
    public long resendRequestsServed()
    {
        return initiator.resendRequestsServed();
    }

    /** The initiator's own journal. */
    public Journal journal()
    {
        return journal;
    }

    /** Stops connecting, closes the session and the journal. */
    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietClose(initiator);
        CloseHelper.quietClose(journal);
    }
}
