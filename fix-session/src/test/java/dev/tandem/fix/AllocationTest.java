package dev.tandem.fix;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptor's steady-state path (read, frame, decode, journal inbound, echo through the claim API, journal
 * outbound, release, write) allocates nothing on the duty-cycle thread. Not a timing test: it counts bytes.
 */
class AllocationTest
{
    private static final int WARMUP = 10_000;
    private static final int MEASURED = 10_000;

    @Test
    void shouldNotAllocateOnTheDutyCycleThreadInSteadyState() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final Path dir = Tests.tempDir("alloc");
        final EchoApplication application = new EchoApplication();
        application.clOrdIdTracking = false;
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()));
            FixAcceptor acceptor = FixAcceptor.create(new FixContext()
                .port(0)
                .addSession(new SessionConfig().senderCompId("ISLD").targetCompId("TW44").resetOnLogon(true))
                .journal(journal)
                .application(application)))
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread clientThread = new Thread(() ->
            {
                try (RawFixClient client = new RawFixClient(acceptor.boundPort()))
                {
                    client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
                    client.receive();
                    for (int seq = 2; seq < 2 + WARMUP + MEASURED && !stop.get(); seq++)
                    {
                        client.send("35=D|34=" + seq + "|49=TW44|52=<TIME>|56=ISLD|11=ORDER|21=1|55=MSFT|54=1|" +
                            "60=<TIME>|38=100|40=2|44=10.5|");
                        client.receive();
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            }, "alloc-client");
            clientThread.start();

            final long threadId = Thread.currentThread().getId();
            final long deadlineNs = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (application.messages.get() < WARMUP && System.nanoTime() < deadlineNs && failure.get() == null)
            {
                acceptor.doWork();
            }
            final long before = threads.getThreadAllocatedBytes(threadId);
            while (application.messages.get() < WARMUP + MEASURED && System.nanoTime() < deadlineNs &&
                failure.get() == null)
            {
                acceptor.doWork();
            }
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            stop.set(true);
            while (clientThread.isAlive() && System.nanoTime() < deadlineNs)
            {
                acceptor.doWork();
            }
            clientThread.join(10_000);
            if (failure.get() != null)
            {
                throw new AssertionError("client failed", failure.get());
            }
            assertTrue(application.messages.get() >= WARMUP + MEASURED, "messages " + application.messages.get());
            // the journal's own appends (two per round trip, alternating direct buffers) must not allocate either
            final long journalBytesPerAppend = journalBytesPerAppend(threads, journal);
            assertTrue(journalBytesPerAppend == 0, journalBytesPerAppend + " bytes allocated per journal append");
            final long allowed = 64 * 1024;
            assertTrue(allocated <= allowed, "allocated " + allocated + " bytes on the duty-cycle thread for " +
                MEASURED + " round trips");
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    private static long journalBytesPerAppend(final com.sun.management.ThreadMXBean threads, final Journal journal)
    {
        // direct, like the engine's socket buffers
        final byte[] bytes = RawFixClient.encode("FIX.4.4", "35=D|34=1|49=X|52=<TIME>|56=Y|11=ORDER|21=1|55=MSFT|");
        // two of them, alternating, as the engine alternates inbound and outbound buffers
        final org.agrona.concurrent.UnsafeBuffer[] messages = {
            new org.agrona.concurrent.UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(bytes.length)),
            new org.agrona.concurrent.UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(bytes.length)) };
        messages[0].putBytes(0, bytes);
        messages[1].putBytes(0, bytes);
        final long sessionId = SessionIds.sessionId("FIX.4.4", "ALLOC", "PROBE");
        for (int i = 1; i <= 20_000; i++)
        {
            journal.appendMessage(sessionId, dev.tandem.journal.Direction.OUTBOUND, i, 0, 0, messages[i & 1], 0,
                bytes.length);
        }
        final long threadId = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(threadId);
        for (int i = 20_001; i <= 40_000; i++)
        {
            journal.appendMessage(sessionId, dev.tandem.journal.Direction.OUTBOUND, i, 0, 0, messages[i & 1], 0,
                bytes.length);
        }
        return (threads.getThreadAllocatedBytes(threadId) - before) / 20_000;
    }
}
