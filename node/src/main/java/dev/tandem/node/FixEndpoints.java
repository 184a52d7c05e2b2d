package dev.tandem.node;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.FixSession;
import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the node's FIX acceptor (module fix-session) on the node's journal with the configured sessions and
 * application.
 * <p>
 * Threading: {@link #start} on the node's start-up or control thread.
 */
final class FixEndpoints
{
    private static final Logger LOG = LoggerFactory.getLogger(FixEndpoints.class);

    private FixEndpoints()
    {
    }

    /**
     * The echo application ships with the command line (module tandem-cli), not with this library: a node embedded
     * in an application names its own.
     */
    static final String ECHO_CLASS = "dev.tandem.node.EchoApplication";

    /** Creates the user's application, or the echo application, failing with the key when it cannot. */
    static FixApplication application(final String name)
    {
        final String className = NodeConfig.ECHO.equals(name) ? ECHO_CLASS : name;
        if (NodeConfig.ECHO.equals(name) && !onClasspath(ECHO_CLASS))
        {
            throw new ConfigException("application: echo is the command line's built-in application (" +
                ECHO_CLASS + " in tandem-cli, not on this classpath); name the class of your " +
                FixApplication.class.getName() + " instead");
        }
        try
        {
            final Object application = Class.forName(className).getDeclaredConstructor().newInstance();
            if (!(application instanceof FixApplication))
            {
                throw new ConfigException("application: " + name + " does not implement " +
                    FixApplication.class.getName());
            }
            return (FixApplication)application;
        }
        catch (final ReflectiveOperationException | LinkageError ex)
        {
            throw new ConfigException("application: cannot create '" + name + "' (" + ex + "); expected 'echo' or " +
                "the name of a class implementing " + FixApplication.class.getName() +
                " with a public no-argument constructor", ex);
        }
    }

    /** Whether {@code className} can be loaded, so that a missing echo application is named as such. */
    static boolean onClasspath(final String className)
    {
        try
        {
            Class.forName(className, false, FixEndpoints.class.getClassLoader());
            return true;
        }
        catch (final ClassNotFoundException ex)
        {
            return false;
        }
    }

    /** What {@link #start(Context)} needs: the node's settings and what the node built for its FIX engine. */
    static final class Context
    {
        final NodeConfig config;
        final Journal journal;
        final ReleaseGate gate;
        final String host;
        final int port;
        final EpochClock epochClock;
        final NanoClock nanoClock;
        final boolean activation;
        final int lostOutboundBound;
        final ErrorHandler errorHandler;
        final FixApplication application;
        final AgentHost agents;
        final SessionHandles handles;
        final RecoveryHandler recoveryHandler;
        final Correlation correlation;
        /** A bound FIX socket to take over (a standby's at activation), null to bind host:port. */
        private java.nio.channels.ServerSocketChannel serverChannel;
        private dev.tandem.fix.SessionMemory sessionMemory;
        /** How long the application's {@code onActivation} took, in ns; written by {@link #start}. */
        private long applicationActivationNs;
        /** The engine's waker: bound to its thread's idle strategy, woken by acks and application sends. */
        final dev.tandem.journal.idle.IdleWaker idleWaker = new dev.tandem.journal.idle.IdleWaker();

        Context(final NodeConfig config, final Journal journal, final ReleaseGate gate, final String host,
            final int port, final EpochClock epochClock, final NanoClock nanoClock, final boolean activation,
            final int lostOutboundBound, final ErrorHandler errorHandler, final FixApplication application,
            final AgentHost agents, final SessionHandles handles, final RecoveryHandler recoveryHandler,
            final Correlation correlation)
        {
            this.config = config;
            this.journal = journal;
            this.gate = gate;
            this.host = host;
            this.port = port;
            this.epochClock = epochClock;
            this.nanoClock = nanoClock;
            this.activation = activation;
            this.lostOutboundBound = lostOutboundBound;
            this.errorHandler = errorHandler;
            this.application = application;
            this.agents = agents;
            this.handles = handles;
            this.recoveryHandler = recoveryHandler;
            this.correlation = correlation;
        }

        /** How long the application's {@code RecoverableApplication.onActivation} took in {@link #start}, in ns. */
        long applicationActivationNs()
        {
            return applicationActivationNs;
        }

        /** Takes over this bound FIX socket instead of binding host:port; see {@code FixContext.serverChannel}. */
        Context serverChannel(final java.nio.channels.ServerSocketChannel channel)
        {
            this.serverChannel = channel;
            return this;
        }

        /** The sessions' memory allocated while Warm, null for none; see {@code FixContext.sessionMemory}. */
        Context sessionMemory(final dev.tandem.fix.SessionMemory memory)
        {
            this.sessionMemory = memory;
            return this;
        }
    }

    /** Creates the acceptor and starts its agent: {@link #prepare}, then {@link #start(Prepared)}. */
    static FixEndpoint start(final Context ctx)
    {
        return start(prepare(ctx));
    }

    /** An acceptor created, its application ready, its agent not started: nothing is accepted or sent yet. */
    static final class Prepared
    {
        private final Context ctx;
        private final FixAcceptor acceptor;
        private final CountingApplication application;

        private Prepared(final Context ctx, final FixAcceptor acceptor, final CountingApplication application)
        {
            this.ctx = ctx;
            this.acceptor = acceptor;
            this.application = application;
        }

        /** Closes the acceptor that was never started (its port with it). */
        void close()
        {
            acceptor.close();
        }
    }

    /**
     * Runs the application's activation ({@link RecoverableApplication#onActivation}, when {@code ctx} is for one)
     * and creates the acceptor on the listening socket, without starting its agent: an activation does this while the
     * new epoch is being forced to disk, and starts serving ({@link #start(Prepared)}) only once it is.
     */
    static Prepared prepare(final Context ctx)
    {
        final NodeConfig config = ctx.config;
        final FixApplication userApplication = ctx.application;
        if (ctx.activation && userApplication instanceof RecoverableApplication)
        {
            final long startNs = ctx.nanoClock.nanoTime();
            ((RecoverableApplication)userApplication).onActivation(ctx.journal);
            ctx.applicationActivationNs = ctx.nanoClock.nanoTime() - startNs;
        }
        final CountingApplication application = new CountingApplication(userApplication, ctx.handles,
            ctx.recoveryHandler == null ? null : new Recovery(ctx.journal, ctx.recoveryHandler, ctx.correlation,
            config.fix().sessions().size()));
        final FixContext context = config.fix().applyTo(new FixContext())
            .bindAddress(ctx.host)
            .port(ctx.port)
            .journal(ctx.journal)
            .releaseGate(ctx.gate)
            .application(application)
            .epochClock(ctx.epochClock)
            .nanoClock(ctx.nanoClock)
            .agentName("tandem-fix-" + config.name())
            .lostOutboundBound(ctx.lostOutboundBound)
            .errorHandler(ctx.errorHandler)
            .idleWaker(ctx.idleWaker)
            .serverChannel(ctx.serverChannel)
            .sessionMemory(ctx.sessionMemory)
            .logonsEnabled(true);
        final FixAcceptor acceptor;
        try
        {
            acceptor = FixAcceptor.create(context);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException("fix: " + ex.getMessage(), ex);
        }
        return new Prepared(ctx, acceptor, application);
    }

    /** Starts the agent of a {@link #prepare}d acceptor: from here it accepts and logs sessions on. */
    static FixEndpoint start(final Prepared prepared)
    {
        final Context ctx = prepared.ctx;
        final NodeConfig config = ctx.config;
        final FixAcceptor acceptor = prepared.acceptor;
        final CountingApplication application = prepared.application;
        ctx.handles.wakeOnSend(ctx.idleWaker);
        final AgentHost.Hosted hosted = ctx.agents.start(acceptor, ctx.errorHandler, false, ctx.idleWaker);
        LOG.info("FIX acceptor of {} listening on {}:{} for {}", config.name(), ctx.host, acceptor.boundPort(),
            config.fix().sessions());
        return new AcceptorEndpoint(acceptor, hosted, application, ctx.handles);
    }

    /**
     * Logs every session out with {@code text} (disconnects those not logged on), on the engine's thread. A named
     * class, not a lambda: a planned switchover runs it once per process, and linking a lambda there costs the
     * switchover's first step a millisecond or so (see {@link ActivationPreload}).
     */
    private static final class LogoutAll implements Runnable
    {
        private final FixAcceptor acceptor;
        private final String text;

        LogoutAll(final FixAcceptor acceptor, final String text)
        {
            this.acceptor = acceptor;
            this.text = text;
        }

        @Override
        public void run()
        {
            for (final dev.tandem.fix.FixSession session : acceptor.sessions())
            {
                if (session.isLoggedOn())
                {
                    session.logout(text);
                }
                else
                {
                    session.disconnect();
                }
            }
        }
    }

    /**
     * Hands each session's unanswered inbound messages to the recovery handler at that session's first Logon on this
     * acceptor (one acceptor per node start or activation). FIX engine's thread.
     */
    static final class Recovery
    {
        private final Journal journal;
        private final RecoveryHandler handler;
        private final UnansweredScan scan;
        private final org.agrona.collections.LongHashSet recovered = new org.agrona.collections.LongHashSet();

        Recovery(final Journal journal, final RecoveryHandler handler, final Correlation correlation,
            final int sessions)
        {
            this.journal = journal;
            this.handler = handler;
            this.scan = new UnansweredScan(correlation);
        }

        void onLogon(final FixSession session)
        {
            if (recovered.add(session.sessionId()))
            {
                scan.scan(journal, session, handler);
            }
        }
    }

    /**
     * Around the user's application: counts sessions logged on, keeps the session handles' logged-on flags, drains
     * the send ring once per duty cycle and runs recovery at a session's first Logon. Duty-cycle thread; counters any
     * thread.
     */
    static final class CountingApplication implements FixApplication
    {
        private final FixApplication delegate;
        private final SessionHandles handles;
        private final Recovery recovery;
        private final AtomicInteger loggedOn = new AtomicInteger();

        CountingApplication(final FixApplication delegate, final SessionHandles handles, final Recovery recovery)
        {
            this.delegate = delegate;
            this.handles = handles;
            this.recovery = recovery;
        }

        @Override
        public void onLogon(final FixSession session)
        {
            loggedOn.incrementAndGet();
            delegate.onLogon(session);
            if (recovery != null)
            {
                // after the application's onLogon, before any new inbound message of the session
                recovery.onLogon(session);
            }
            handles.onLogon(session);
        }

        @Override
        public void onLogout(final FixSession session)
        {
            loggedOn.decrementAndGet();
            handles.onLogout(session);
            delegate.onLogout(session);
        }

        @Override
        public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
        {
            delegate.onMessage(buffer, offset, length, session);
        }

        @Override
        public void onOutboundSkipped(final FixSession session, final int fromSeqNum, final int toSeqNum)
        {
            delegate.onOutboundSkipped(session, fromSeqNum, toSeqNum);
        }

        @Override
        public int doWork(final long nowNs)
        {
            return handles.drain() + delegate.doWork(nowNs);
        }
    }

    private static final class AcceptorEndpoint implements FixEndpoint
    {
        private final FixAcceptor acceptor;
        private final AgentHost.Hosted hosted;
        private final CountingApplication application;
        private final SessionHandles handles;

        AcceptorEndpoint(final FixAcceptor acceptor, final AgentHost.Hosted hosted,
            final CountingApplication application, final SessionHandles handles)
        {
            this.acceptor = acceptor;
            this.hosted = hosted;
            this.application = application;
            this.handles = handles;
        }

        @Override
        public int port()
        {
            return acceptor.boundPort();
        }

        @Override
        public void refuseLogons(final String reason)
        {
            handles.allLoggedOut();
            acceptor.logonsEnabled(false);
            acceptor.disconnectAll();
        }

        @Override
        public void logoutAll(final String text)
        {
            acceptor.logonsEnabled(false);
            acceptor.execute(new LogoutAll(acceptor, text));
        }

        @Override
        public int sessionsLoggedOn()
        {
            return Math.max(0, application.loggedOn.get());
        }

        @Override
        public void writeMetrics(final StringBuilder out)
        {
            out.append("# HELP tandem_fix_logons_total Logons accepted\n# TYPE tandem_fix_logons_total counter\n")
                .append("tandem_fix_logons_total ").append(acceptor.logons()).append('\n');
            out.append("# HELP tandem_fix_resend_requests_served_total ResendRequests served from the journal\n")
                .append("# TYPE tandem_fix_resend_requests_served_total counter\n")
                .append("tandem_fix_resend_requests_served_total ").append(acceptor.resendRequestsServed())
                .append('\n');
            out.append("# HELP tandem_fix_lost_outbound_on_logon_total outbound messages a counterparty had received ")
                .append("but the journal lacked (lost in a failover), skipped at Logon by its NextExpectedMsgSeqNum\n")
                .append("# TYPE tandem_fix_lost_outbound_on_logon_total counter\n")
                .append("tandem_fix_lost_outbound_on_logon_total ").append(acceptor.lostOutboundOnLogon())
                .append('\n');
            out.append("# HELP tandem_fix_outbound_skipped_total outbound MsgSeqNums a session skipped at Logon ")
                .append("because the journal lacked what a previous primary may have sent: exactly (the Logon's ")
                .append("NextExpectedMsgSeqNum) or by sequence headroom after activation (a Logon without it)\n")
                .append("# TYPE tandem_fix_outbound_skipped_total counter\n");
            for (final FixSession session : acceptor.sessions())
            {
                out.append("tandem_fix_outbound_skipped_total{session=\"")
                    .append(session.config().senderCompId()).append("->").append(session.config().targetCompId())
                    .append("\"} ").append(session.outboundSkipped()).append('\n');
            }
            out.append("# HELP tandem_fix_outbound_skipped_by_headroom_total outbound MsgSeqNums skipped by sequence ")
                .append("headroom (first Logon without NextExpectedMsgSeqNum after activation), all sessions\n")
                .append("# TYPE tandem_fix_outbound_skipped_by_headroom_total counter\n")
                .append("tandem_fix_outbound_skipped_by_headroom_total ").append(acceptor.outboundSkippedByHeadroom())
                .append('\n');
            out.append("# HELP tandem_fix_oversized_messages_total inbound messages over maxMessageLengthBytes ")
                .append("(answered by a Logout with the reason)\n")
                .append("# TYPE tandem_fix_oversized_messages_total counter\n")
                .append("tandem_fix_oversized_messages_total ").append(acceptor.oversizedMessages()).append('\n');
            out.append("# HELP tandem_fix_garbled_total garbled inbound messages ignored\n")
                .append("# TYPE tandem_fix_garbled_total counter\n")
                .append("tandem_fix_garbled_total ").append(acceptor.garbledMessages()).append('\n');
        }

        @Override
        public void close()
        {
            handles.allLoggedOut();
            hosted.close();
            acceptor.close();
        }
    }
}
