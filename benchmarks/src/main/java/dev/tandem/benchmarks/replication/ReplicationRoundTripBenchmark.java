package dev.tandem.benchmarks.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.node.Dirs;
import dev.tandem.replication.AckStrategy;
import dev.tandem.replication.BoundedWait;
import dev.tandem.replication.NeverTimesOut;
import dev.tandem.replication.WaitForever;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Acknowledged round trip per ack strategy: append one 200-byte message on the primary's journal and spin on the
 * strategy's {@link ReleaseGate} until it releases (for WaitForever and BoundedWait: until the secondary's ack is
 * back), beside the baselines measured in the same run: a plain journal append (no replication running) and a plain
 * Java loopback TCP ping-pong of a 268-byte payload (the data frame that carries one such entry), blocking and
 * busy-spinning. Each strategy runs over a plain link and over TLS ({@code link}: TLSv1.3, mutual certificate
 * authentication), so the cost of TLS is measured in the same run ({@code -p link=plain} for the plain link only).
 * <p>
 * Run: {@code java -jar benchmarks/target/benchmarks.jar ReplicationRoundTrip -f 1 -wi 2 -i 3}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1) // Tandem's JVM flags: BenchmarkMain gives them to every fork
public class ReplicationRoundTripBenchmark
{
    /** Size of the data frame that carries one 200-byte message: 28 bytes of frame + 40 of entry header. */
    static final int FRAME_BYTES = 268;

    @State(Scope.Benchmark)
    public static class Replicated
    {
        @Param({ "NeverTimesOut", "WaitForever", "BoundedWait" })
        public String strategy;

        @Param({ "yield" })
        public String idle;

        /** thread: the source agent on its own thread; composite: stepped on the session (benchmark) thread. */
        @Param({ "thread", "composite" })
        public String source;

        /** plain: TCP; tls: TLSv1.3 with mutual certificate authentication (certificates made by keytool). */
        @Param({ "plain", "tls" })
        public String link;

        ReplicationRig rig;
        ReleaseGate gate;

        @Setup(Level.Trial)
        public void setUp()
        {
            final AckStrategy ackStrategy;
            switch (strategy)
            {
                case "NeverTimesOut":
                    ackStrategy = new NeverTimesOut();
                    break;
                case "WaitForever":
                    ackStrategy = new WaitForever();
                    break;
                default:
                    ackStrategy = new BoundedWait().timeoutMs(5);
                    break;
            }
            rig = new ReplicationRig(ackStrategy, idle, "composite".equals(source), true, "tls".equals(link));
            gate = rig.source.newReleaseGate();
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            rig.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Plain
    {
        Journal journal;
        Path dir;
        final UnsafeBuffer message = new UnsafeBuffer(new byte[ReplicationRig.MESSAGE_BYTES]);
        int seqNum = 1;

        @Setup(Level.Trial)
        public void setUp()
        {
            dir = ReplicationRig.tempDir("bench-plain");
            journal = ReplicationRig.openJournal(dir);
            ReplicationRig.fill(message);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            journal.close();
            Dirs.deleteRecursively(dir);
        }
    }

    @State(Scope.Benchmark)
    public static class Loopback
    {
        @Param({ "blocking", "spin" })
        public String mode;

        PingPong pingPong;

        @Setup(Level.Trial)
        public void setUp()
        {
            pingPong = new PingPong(FRAME_BYTES, "spin".equals(mode));
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            pingPong.close();
        }
    }

    /** Append, then wait for the gate: the session's view of one acknowledged message. */
    @Benchmark
    public long replicatedAppend(final Replicated state)
    {
        final long position = state.rig.append();
        final long enqueuedNs = System.nanoTime();
        final ReleaseGate gate = state.gate;
        final ReplicationRig rig = state.rig;
        while (gate.check(position, enqueuedNs, System.nanoTime()) == ReleaseGate.WAIT)
        {
            // the session agent's duty cycle: step the source if composed with it, else yield the core to the agents
            rig.pollSource();
        }
        return position;
    }

    /** Baseline: the same append with no replication at all. */
    @Benchmark
    public long plainAppend(final Plain state)
    {
        return state.journal.appendMessage(1, dev.tandem.journal.Direction.OUTBOUND, state.seqNum++,
            System.nanoTime(), 0, state.message, 0, ReplicationRig.MESSAGE_BYTES);
    }

    /** Baseline: plain Java TCP ping-pong over loopback of the same frame size. */
    @Benchmark
    public void tcpPingPong(final Loopback state) throws IOException
    {
        state.pingPong.roundTrip();
    }
}
