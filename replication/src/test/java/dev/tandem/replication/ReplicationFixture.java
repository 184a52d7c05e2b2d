package dev.tandem.replication;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalReader;
import dev.tandem.journal.Persistence;
import dev.tandem.test.Tests;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Real journals in temp dirs, real agents on their own threads, closed in reverse order. One per test.
 */
final class ReplicationFixture implements AutoCloseable
{
    static final byte[] SECRET = "correct horse battery staple 42".getBytes(StandardCharsets.US_ASCII);
    static final String CLUSTER = "test-cluster";
    static final Duration AWAIT = Duration.ofSeconds(30);

    final List<Throwable> agentErrors = new CopyOnWriteArrayList<>();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final List<Path> dirs = new ArrayList<>();
    private final List<Integer> listeningPorts = new ArrayList<>();
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[4096]);

    Path newDir(final String name)
    {
        final Path dir = Tests.tempDir(name);
        dirs.add(dir);
        return dir;
    }

    static Journal openJournal(final Path dir)
    {
        return Journal.open(new JournalContext().dir(dir.toString()).persistence(Persistence.BUFFERED));
    }

    static ReplicationSourceContext sourceContext()
    {
        return new ReplicationSourceContext()
            .listen("127.0.0.1:0")
            .clusterName(CLUSTER)
            .nodeId(1)
            .secret(SECRET)
            .heartbeatIntervalMs(50)
            .heartbeatTimeoutMs(1000)
            .handshakeTimeoutMs(2000)
            .ackStrategy(new WaitForever());
    }

    static ReplicationSinkContext sinkContext(final int port)
    {
        return new ReplicationSinkContext()
            .source("127.0.0.1:" + port)
            .clusterName(CLUSTER)
            .nodeId(2)
            .secret(SECRET)
            .heartbeatIntervalMs(50)
            .heartbeatTimeoutMs(1000)
            .handshakeTimeoutMs(2000)
            .reconnectBackoffMinMs(10)
            .reconnectBackoffMaxMs(200);
    }

    /** Runs an agent on its own thread until the returned runner is closed. */
    AgentRunner run(final org.agrona.concurrent.Agent agent)
    {
        final AgentRunner runner = new AgentRunner(
            new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(200)),
            agentErrors::add, null, agent);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    <T extends AutoCloseable> T closeLater(final T closeable)
    {
        closeables.push(closeable);
        return closeable;
    }

    /** Appends {@code count} outbound messages of about {@code size} bytes with consecutive MsgSeqNums. */
    void append(final Journal journal, final long sessionId, final int count, final int size)
    {
        for (int i = 0; i < count; i++)
        {
            final int seqNum = journal.nextSenderSeqNum(sessionId);
            final int length = fillMessage(seqNum, size);
            journal.appendMessage(sessionId, Direction.OUTBOUND, seqNum, System.nanoTime(), 0, message, 0, length);
        }
    }

    private int fillMessage(final int seqNum, final int size)
    {
        int at = message.putStringWithoutLengthAscii(0, "8=FIX.4.4\u00019=000\u000135=D\u000134=");
        at += message.putIntAscii(at, seqNum);
        at += message.putStringWithoutLengthAscii(at, "\u000158=");
        while (at < size - 8)
        {
            message.putByte(at, (byte)('a' + (seqNum + at) % 26));
            at++;
        }
        at += message.putStringWithoutLengthAscii(at, "\u000110=000\u0001");
        return at;
    }

    /** Every entry's raw bytes, by position order; fails on a gap. */
    static List<byte[]> entries(final Journal journal)
    {
        final List<byte[]> entries = new ArrayList<>();
        try (JournalReader reader = journal.reader(1))
        {
            while (reader.poll(entry ->
            {
                assertEquals(entries.size() + 1, entry.position(), "gap or duplicate");
                final byte[] bytes = new byte[entry.rawLength()];
                entry.rawBuffer().getBytes(entry.rawOffset(), bytes);
                entries.add(bytes);
            }, 1024) > 0)
            {
                // read on
            }
        }
        return entries;
    }

    /** Both journals hold the same entries at the same positions: no gap, no duplicate, same bytes. */
    static void assertSameEntries(final Journal primary, final Journal replica)
    {
        final List<byte[]> expected = entries(primary);
        final List<byte[]> actual = entries(replica);
        assertEquals(expected.size(), actual.size(), "entry count");
        for (int i = 0; i < expected.size(); i++)
        {
            assertArrayEquals(expected.get(i), actual.get(i), "entry at position " + (i + 1));
        }
        assertEquals(primary.lastPosition(), replica.lastPosition());
    }

    static void awaitCaughtUp(final ReplicationSource source, final Journal primary)
    {
        Tests.await("source acked " + primary.lastPosition() + " (acked " + source.ackedPosition() + ")", AWAIT,
            () -> source.ackedPosition() == primary.lastPosition());
    }

    /** After {@link #close()}: no agent or proxy thread is left, and no source still listens. */
    void assertNoLeaks()
    {
        try
        {
            Tests.await("agent and proxy threads ended", Duration.ofSeconds(10), () -> leakedThreads().isEmpty());
        }
        catch (final AssertionError ex)
        {
            final StringBuilder dump = new StringBuilder(ex.getMessage());
            Thread.getAllStackTraces().forEach((thread, stack) ->
            {
                if (leakedThreads().contains(thread))
                {
                    dump.append("\n").append(thread.getName()).append(':');
                    for (final StackTraceElement frame : stack)
                    {
                        dump.append("\n    at ").append(frame);
                    }
                }
            });
            throw new AssertionError(dump.toString());
        }
        for (final int port : listeningPorts)
        {
            try (java.net.Socket socket = new java.net.Socket())
            {
                socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 1000);
                throw new AssertionError("port " + port + " still listens");
            }
            catch (final java.io.IOException expected)
            {
                // refused: nothing listens any more
            }
        }
    }

    private static List<Thread> leakedThreads()
    {
        final List<Thread> leaked = new ArrayList<>();
        for (final Thread t : Thread.getAllStackTraces().keySet())
        {
            if (t.isAlive() && (t.getName().startsWith("replication-") || t.getName().startsWith("faulty-proxy")))
            {
                leaked.add(t);
            }
        }
        return leaked;
    }

    /** Remembers a source so {@link #assertNoLeaks()} checks that its port was released. */
    ReplicationSource track(final ReplicationSource source)
    {
        listeningPorts.add(source.port());
        return source;
    }

    void assertNoAgentErrors()
    {
        if (!agentErrors.isEmpty())
        {
            final AssertionError error = new AssertionError("agent errors: " + agentErrors);
            agentErrors.forEach(error::addSuppressed);
            throw error;
        }
        assertNoLeaks();
    }

    @Override
    public void close()
    {
        while (!closeables.isEmpty())
        {
            try
            {
                closeables.pop().close();
            }
            catch (final Exception ex)
            {
                agentErrors.add(ex);
            }
        }
        dirs.forEach(Tests::deleteRecursively);
    }
}
