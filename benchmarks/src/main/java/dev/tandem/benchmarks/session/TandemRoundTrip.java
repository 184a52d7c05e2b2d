package dev.tandem.benchmarks.session;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.FixInitiator;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.SessionConfig;
import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.node.Dirs;

/**
 * The round trip through our engine: an initiator sends NewOrderSingles at a fixed rate from its duty cycle, an
 * acceptor on loopback echoes each one, and the initiator times the echo from the intended send time. Both journal to
 * Chronicle Queues in a temporary directory; the release gate is open (no replication).
 * <p>
 * Threading: one duty-cycle thread each for the acceptor and the initiator, or with {@code sharedThread} one thread
 * running both as a {@link CompositeAgent} (fewer runnable threads than cores on a 2-core machine); {@link #run} on the
 * caller's thread.
 */
final class TandemRoundTrip
{
    private static final int CL_ORD_ID = 11;

    private TandemRoundTrip()
    {
    }

    static RoundTripRecorder run(final RoundTripRecorder recorder, final IdleStrategy acceptorIdle,
        final IdleStrategy initiatorIdle, final boolean sharedThread) throws Exception
    {
        final Path dir = Files.createTempDirectory("tandem-bench-session-");
        final Sender sender = new Sender(recorder);
        try (Journal acceptorJournal = Journal.open(new JournalContext().dir(dir.resolve("acceptor").toString()));
            Journal initiatorJournal = Journal.open(new JournalContext().dir(dir.resolve("initiator").toString()));
            FixAcceptor acceptor = FixAcceptor.create(new FixContext()
                .bindAddress("127.0.0.1").port(0)
                .addSession(new SessionConfig().beginString(SessionConfig.FIX44).senderCompId("ISLD")
                    .targetCompId("TW44").heartbeatIntervalSec(30).resetOnLogon(true))
                .journal(acceptorJournal)
                .releaseGate(ReleaseGate.OPEN)
                .application(new Echo())
                .idleStrategy(acceptorIdle)
                .agentName("bench-acceptor"));
            FixInitiator initiator = FixInitiator.create(new FixContext()
                .addSession(new SessionConfig().beginString(SessionConfig.FIX44).senderCompId("TW44")
                    .targetCompId("ISLD").heartbeatIntervalSec(30).resetOnLogon(true))
                .journal(initiatorJournal)
                .releaseGate(ReleaseGate.OPEN)
                .application(sender)
                .idleStrategy(initiatorIdle)
                .agentName("bench-initiator")))
        {
            AgentRunner shared = null;
            if (sharedThread)
            {
                shared = new AgentRunner(acceptorIdle, Throwable::printStackTrace, null,
                    new CompositeAgent(acceptor, initiator));
                AgentRunner.startOnThread(shared);
            }
            else
            {
                acceptor.start();
                initiator.start();
            }
            try
            {
                initiator.connect("127.0.0.1", acceptor.boundPort());
                Bench.await("Tandem logon", () -> sender.session != null && sender.session.isLoggedOn());
                recorder.start(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
                sender.go = true;
                Bench.awaitEchoes(recorder);
                initiator.logout();
                Bench.await("Tandem logout", () -> !sender.session.isLoggedOn());
            }
            finally
            {
                if (shared != null)
                {
                    shared.close();
                }
            }
        }
        finally
        {
            Dirs.deleteRecursively(dir);
        }
        return recorder;
    }

    /** Echoes every application message: same MsgType and body, fresh header. */
    private static final class Echo implements FixApplication
    {
        @Override
        public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
        {
            final FixDecoder decoder = session.decoder();
            session.send(buffer, decoder.msgTypeOffset(), decoder.msgTypeLength(),
                buffer, decoder.bodyOffset(), decoder.bodyLength());
        }
    }

    /** Sends each NewOrderSingle when its intended time has come and times each echo. */
    private static final class Sender implements FixApplication
    {
        private final RoundTripRecorder recorder;
        private volatile FixSession session;
        private volatile boolean go;
        private int nextId;

        Sender(final RoundTripRecorder recorder)
        {
            this.recorder = recorder;
        }

        @Override
        public void onLogon(final FixSession session)
        {
            this.session = session;
        }

        @Override
        public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
        {
            recorder.onEcho(session.decoder().intValue(CL_ORD_ID, -1), System.nanoTime());
        }

        @Override
        public int doWork(final long nowNs)
        {
            final FixSession session = this.session;
            if (!go || session == null)
            {
                return 0;
            }
            int work = 0;
            final long now = System.nanoTime();
            while (nextId < recorder.totalMessages() && recorder.intendedSendNs(nextId) <= now)
            {
                final FixEncoder encoder = session.tryClaim("D");
                if (encoder == null)
                {
                    break;
                }
                encoder.putInt(CL_ORD_ID, nextId).putChar(21, '1').putAscii(55, "TNDM").putChar(54, '1')
                    .putTimestampMs(60, System.currentTimeMillis()).putChar(40, '2').putInt(38, 100)
                    .putDecimal(44, 10125, 2);
                if (session.commit() < 0)
                {
                    break;
                }
                nextId++;
                work++;
            }
            return work;
        }
    }
}
