package dev.tandem.benchmarks.replication;

import dev.tandem.journal.Direction;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.Persistence;
import dev.tandem.node.Dirs;
import dev.tandem.replication.AckStrategy;
import dev.tandem.replication.ReplicationSink;
import dev.tandem.replication.ReplicationSinkContext;
import dev.tandem.replication.ReplicationSource;
import dev.tandem.replication.ReplicationSourceContext;
import dev.tandem.replication.TlsContext;
import dev.tandem.replication.WaitForever;
import dev.tandem.test.Certificates;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A primary journal with a replication source and a secondary journal with a sink, in one JVM, over loopback TCP,
 * for benchmarks. Not thread safe: the benchmark thread appends (it owns the primary journal); the agents run on
 * their own threads.
 */
final class ReplicationRig implements AutoCloseable
{
    /** A FIX-like payload of this many bytes is journaled per message. */
    static final int MESSAGE_BYTES = 200;
    private static final byte[] SECRET = "benchmark-shared-secret-0123456789".getBytes(StandardCharsets.US_ASCII);

    final Journal primary;
    final Journal replica;
    final ReplicationSource source;
    final ReplicationSink sink;
    private final AgentRunner sourceRunner;
    private final boolean sourceOnCallerThread;
    private final AgentRunner sinkRunner;
    private final Path primaryDir;
    private final Path replicaDir;
    /** The TLS certificates, null for a plain link. */
    private final Certificates certificates;
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_BYTES]);
    private int seqNum = 1;

    ReplicationRig(final AckStrategy strategy, final String idle)
    {
        this(strategy, idle, false);
    }

    /**
     * @param sourceOnCallerThread true: the source agent gets no thread of its own and the benchmark thread steps it
     *                             with {@link #pollSource()}, as a node could by composing it with its session agent.
     */
    ReplicationRig(final AckStrategy strategy, final String idle, final boolean sourceOnCallerThread)
    {
        this(strategy, idle, sourceOnCallerThread, true);
    }

    /**
     * @param pretouch false: both journals with {@code pretouchAheadBytes 0} (every first write to a page of the
     *                 memory-mapped files faults inside an append), to measure what pretouching changes.
     */
    ReplicationRig(final AckStrategy strategy, final String idle, final boolean sourceOnCallerThread,
        final boolean pretouch)
    {
        this(strategy, idle, sourceOnCallerThread, pretouch, false);
    }

    /**
     * @param tls true: the link runs TLS (TLSv1.3, mutual certificate authentication) with certificates made for this
     *            rig by keytool; false: plain TCP.
     */
    ReplicationRig(final AckStrategy strategy, final String idle, final boolean sourceOnCallerThread,
        final boolean pretouch, final boolean tls)
    {
        primaryDir = tempDir("bench-primary");
        replicaDir = tempDir("bench-replica");
        primary = openJournal(primaryDir, pretouch);
        replica = openJournal(replicaDir, pretouch);
        certificates = tls ? new Certificates() : null;
        final ReplicationSourceContext sourceContext = new ReplicationSourceContext()
            .listen("127.0.0.1:0").clusterName("bench").secret(SECRET)
            .ackStrategy(strategy == null ? new WaitForever() : strategy);
        if (tls)
        {
            applyNodeStores(sourceContext.tls());
        }
        source = new ReplicationSource(sourceContext, primary);
        final ReplicationSinkContext sinkContext = new ReplicationSinkContext()
            .source("127.0.0.1:" + source.port()).clusterName("bench").secret(SECRET);
        if (tls)
        {
            applyNodeStores(sinkContext.tls());
        }
        sink = new ReplicationSink(sinkContext, replica);
        this.sourceOnCallerThread = sourceOnCallerThread;
        sourceRunner = sourceOnCallerThread ? null :
            new AgentRunner(idle(idle), Throwable::printStackTrace, null, source);
        sinkRunner = new AgentRunner(idle(idle), Throwable::printStackTrace, null, sink);
        if (sourceRunner != null)
        {
            AgentRunner.startOnThread(sourceRunner);
        }
        AgentRunner.startOnThread(sinkRunner);
        fill(message);
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!source.sinkAttached())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("sink did not attach");
            }
            pollSource();
            Thread.onSpinWait();
        }
    }

    /**
     * Steps the source once when it runs on the caller's thread; when there was nothing to do, pretouches the primary's
     * journal as an idle FIX engine does (a no-op when the rig runs without pretouching), then yields.
     */
    void pollSource()
    {
        if (!sourceOnCallerThread || source.doWork() == 0)
        {
            if (primary.pretouch() == 0)
            {
                Thread.yield();
            }
        }
    }

    static IdleStrategy idle(final String idle)
    {
        return "spin".equals(idle) ? new BusySpinIdleStrategy() : new YieldingIdleStrategy();
    }

    static Journal openJournal(final Path dir)
    {
        return openJournal(dir, true);
    }

    static Journal openJournal(final Path dir, final boolean pretouch)
    {
        final JournalContext context = new JournalContext().dir(dir.toString()).persistence(Persistence.BUFFERED);
        if (!pretouch)
        {
            context.pretouchAheadBytes(0);
        }
        return Journal.open(context);
    }

    static void fill(final UnsafeBuffer message)
    {
        final String head = "8=FIX.4.4\u00019=176\u000135=8\u000149=ISLD\u000156=TW\u000134=";
        int at = message.putStringWithoutLengthAscii(0, head);
        while (at < message.capacity())
        {
            message.putByte(at, (byte)('A' + at % 26));
            at++;
        }
    }

    /**
     * One acknowledged round trip's replicated part: appends an entry and polls the source until {@code gate}
     * releases it, on the caller's thread; {@code startNs} is when the entry was enqueued.
     */
    void appendUntilReleased(final ReleaseGate gate, final long startNs)
    {
        final long position = append();
        while (gate.check(position, startNs, System.nanoTime()) == ReleaseGate.WAIT)
        {
            pollSource();
        }
    }

    /** Appends one outbound message; returns its position. */
    long append()
    {
        return primary.appendMessage(1, Direction.OUTBOUND, seqNum++, System.nanoTime(), 0, message, 0,
            MESSAGE_BYTES);
    }

    static Path tempDir(final String prefix)
    {
        try
        {
            return Files.createTempDirectory(prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The node's certificate (signed by the test CA) and the CA as trust, on a context's own TLS section. */
    private void applyNodeStores(final TlsContext tls)
    {
        tls.keyStore(certificates.node.toString()).keyStorePasswordFile(certificates.passwordFile.toString())
            .trustStore(certificates.trustStore.toString()).trustStorePasswordFile(certificates.passwordFile.toString());
    }

    @Override
    public void close()
    {
        sinkRunner.close();
        if (sourceRunner != null)
        {
            sourceRunner.close();
        }
        else
        {
            source.close();
        }
        replica.close();
        primary.close();
        Dirs.deleteRecursively(primaryDir);
        Dirs.deleteRecursively(replicaDir);
        if (certificates != null)
        {
            certificates.close();
        }
    }
}
