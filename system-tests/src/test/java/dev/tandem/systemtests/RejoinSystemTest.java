package dev.tandem.systemtests;

import dev.tandem.failover.ConnectionStrategies;
import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverInitiatorConfig;
import dev.tandem.failover.FailoverListener;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalReader;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.node.demo.OrderFlow;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two failovers in a row: the primary (node-1) is SIGKILLed under load, the secondary (node-2) turns Hot and serves
 * replication at its {@code listenWhenHot}; node-1 comes back as a SECONDARY on its old journal, which holds a tail
 * node-2 never had, so it sets that journal aside and catches up from position 1; then node-2 is SIGKILLed and node-1
 * takes over again with the sequence numbers going on.
 */
class RejoinSystemTest
{
    private static final Pattern POSITION = Pattern.compile("tandem_journal_position\\{[^}]*} (\\d+)");
    private static final Pattern HOT_POSITION = Pattern.compile(" position=(\\d+)");
    private static final long FORGED_SESSION = 999_999L;

    private final Path dir = Tests.tempDir("rejoin-system");
    private final Path secret = dir.resolve("replication.secret");
    private final Path journal1 = dir.resolve("node-1-journal");
    private final Path journal2 = dir.resolve("node-2-journal");

    @Test
    void shouldRejoinTheOldPrimaryAndFailOverAgain()
    {
        final List<NodeProcess> processes = new ArrayList<>();
        FailoverInitiator initiator = null;
        try
        {
            write(secret, HexFormat.of().formatHex(new SecureRandom().generateSeed(24)));
            final NodeProcess node1 = start(processes, "node-1", primaryYaml());
            final String ready1 = node1.awaitEvent("TANDEM READY", 30_000);
            final int fix1 = NodeProcess.fixPort(ready1);
            final NodeProcess node2 = start(processes, "node-2",
                secondaryYaml(2, journal2, NodeProcess.replicationPort(ready1), 0, "listenWhenHot: \"127.0.0.1:0\", "));
            final String ready2 = node2.awaitEvent("TANDEM READY", 30_000);
            final int fix2 = NodeProcess.fixPort(ready2);
            final int admin2 = NodeProcess.adminPort(ready2);
            Tests.await("node-2 replicating", Duration.ofSeconds(30), () -> DemoCluster.http("GET", admin2, "/metrics")
                .contains("tandem_replication_connected{node=\"node-2\"} 1"));

            final OrderFlow flow = new OrderFlow(200);
            final AtomicIntegerArray lastLogon = new AtomicIntegerArray(2);
            flow.logonObserver((sender, target) ->
            {
                lastLogon.set(0, sender);
                lastLogon.set(1, target);
            });
            initiator = FailoverInitiator.start(new FailoverInitiatorConfig()
                .connect(List.of("127.0.0.1:" + fix1, "127.0.0.1:" + fix2))
                .connectionStrategy(ConnectionStrategies.fromYaml(Scenario.FAST_STRATEGY))
                .senderCompId("TW")
                .targetCompId("ISLD")
                .heartbeatSec(5)
                .journalDir(dir.resolve("initiator-journal").toString())
                .validate(), flow, new FailoverListener()
                {
                });
            final FailoverInitiator running = initiator;
            awaitLogon(running, flow, 1, 0);
            awaitSent(flow, 200);

            // first failover: node-1 dies, node-2 turns Hot and replicates onward
            node1.kill();
            final String hot2 = node2.awaitEvent("TANDEM HOT", 30_000);
            assertTrue(hot2.contains(" epoch=2"), hot2);
            final int hotReplicationPort = NodeProcess.replicationPort(hot2);
            awaitLogon(running, flow, 2, 1);
            final int senderAtFirstFailover = lastLogon.get(0);
            assertTrue(senderAtFirstFailover > 200, "initiator's next MsgSeqNum at node-2: " + senderAtFirstFailover);
            awaitSent(flow, flow.sent() + 100);

            // node-1's unacknowledged tail, made certain: an entry node-2 never had, appended while node-1 is down
            final long forgedPosition = appendForgedTail(journal1);

            // node-1 comes back as node-2's secondary on its old journal and FIX port
            final NodeProcess rejoined = start(processes, "node-1-rejoined",
                secondaryYaml(1, journal1, hotReplicationPort, fix1, ""));
            final String diverged = rejoined.awaitEvent("TANDEM DIVERGED", 30_000);
            assertTrue(diverged.contains(" epoch=2") && diverged.contains(" ourPosition=" + forgedPosition),
                diverged);
            final String rejoinedReady = rejoined.transcript().stream()
                .filter(line -> line.startsWith("TANDEM READY")).findFirst().orElseThrow();
            final int adminRejoined = NodeProcess.adminPort(rejoinedReady);
            final long target = position(admin2);
            Tests.await("node-1 caught up with node-2 (position " + target + ")", Duration.ofSeconds(30),
                () -> position(adminRejoined) >= target);
            final String rejoinedState = DemoCluster.http("GET", adminRejoined, "/service/state");
            assertTrue(rejoinedState.contains("\"epoch\":2"), "node-1 adopted node-2's epoch: " + rejoinedState);
            final List<Path> aside = asideDirs();
            assertEquals(1, aside.size(), aside.toString());
            assertTrue(aside.get(0).getFileName().toString().matches("node-1-journal\\.diverged-2-\\d{14}"),
                aside.toString());
            assertTrue(diverged.contains(aside.get(0).toString()), diverged);
            awaitSent(flow, flow.sent() + 100);

            // second failover: node-2 dies, the rejoined node-1 takes over with the sequence numbers going on
            node2.kill();
            final String hot1 = rejoined.awaitEvent("TANDEM HOT", 30_000);
            assertTrue(hot1.contains(" epoch=3"), hot1);
            awaitLogon(running, flow, 3, 0);
            assertTrue(lastLogon.get(0) > senderAtFirstFailover + 100,
                "initiator's next MsgSeqNum at node-1 again: " + lastLogon.get(0));
            assertTrue(lastLogon.get(1) > 300, "initiator's expected MsgSeqNum from node-1: " + lastLogon.get(1));
            awaitSent(flow, flow.sent() + 100);
            flow.stopSending();
            Tests.await("every order answered (sent " + flow.sent() + ", answered " + flow.answers() + ")",
                Duration.ofSeconds(30), () -> flow.answers() >= flow.sent());
            assertEquals(0, flow.duplicates(), "answers repeated without PossDupFlag or PossResend");
            assertEquals(3, flow.logons(), "one Logon per acceptor turn");

            initiator.close();
            initiator = null;
            assertEquals(0, rejoined.stop(10_000), "SIGTERM stops a node cleanly, exit 0");

            // node-1's journal is node-2's, entry by entry, up to where node-1 took over
            final Matcher matcher = HOT_POSITION.matcher(hot1);
            assertTrue(matcher.find(), hot1);
            final long tookOverAt = Long.parseLong(matcher.group(1));
            assertTrue(tookOverAt >= target, "took over at " + tookOverAt + ", had caught up to " + target);
            final List<String> entries1 = entries(journal1, tookOverAt);
            assertEquals(tookOverAt, entries1.size());
            assertEquals(entries(journal2, tookOverAt), entries1);
            assertEquals(forgedPosition, entries(aside.get(0), Long.MAX_VALUE).size(),
                "the diverged journal is set aside whole");
        }
        finally
        {
            if (initiator != null)
            {
                initiator.close();
            }
            for (final NodeProcess process : processes)
            {
                process.close();
            }
            Tests.deleteRecursively(dir);
        }
    }

    private static void awaitLogon(final FailoverInitiator initiator, final OrderFlow flow, final int logons,
        final int index)
    {
        Tests.await("initiator's Logon #" + logons + " on acceptor #" + index, Duration.ofSeconds(30),
            () -> flow.logons() >= logons && initiator.isLoggedOn() && initiator.currentIndex() == index);
    }

    private static void awaitSent(final OrderFlow flow, final long count)
    {
        Tests.await(count + " orders sent", Duration.ofSeconds(30), () -> flow.sent() >= count);
    }

    private NodeProcess start(final List<NodeProcess> processes, final String name, final String yaml)
    {
        final Path config = dir.resolve(name + ".yaml");
        write(config, yaml);
        final NodeProcess process = NodeProcess.start(name, config, List.of(), null);
        processes.add(process);
        return process;
    }

    private static long position(final int adminPort)
    {
        final Matcher matcher = POSITION.matcher(DemoCluster.http("GET", adminPort, "/metrics"));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static long appendForgedTail(final Path journalDir)
    {
        try (Journal journal = Journal.open(new JournalContext().dir(journalDir.toString()).conclude()))
        {
            return journal.appendSequenceChange(FORGED_SESSION, 7, 7, System.currentTimeMillis() * 1_000_000L);
        }
    }

    /** Position and raw bytes of each entry up to {@code lastPosition}. */
    private static List<String> entries(final Path journalDir, final long lastPosition)
    {
        final List<String> result = new ArrayList<>();
        try (Journal journal = Journal.open(new JournalContext().dir(journalDir.toString()).conclude());
            JournalReader reader = journal.reader(1))
        {
            // read up to the journal's own last position: a poll may return 0 before the end (it stepped over a
            // document that is not an entry), so "until a poll reads nothing" could stop short of the tail
            final long end = Math.min(lastPosition, journal.lastPosition());
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (result.size() < end && System.nanoTime() - deadlineNs < 0)
            {
                reader.poll(entry ->
                {
                    if (entry.position() <= lastPosition)
                    {
                        final byte[] raw = new byte[entry.rawLength()];
                        entry.rawBuffer().getBytes(entry.rawOffset(), raw);
                        result.add(entry.position() + ":" + HexFormat.of().formatHex(raw));
                    }
                }, 4096);
            }
        }
        return result;
    }

    private List<Path> asideDirs()
    {
        try (Stream<Path> list = Files.list(dir))
        {
            return list.filter(path -> path.getFileName().toString().startsWith("node-1-journal.diverged-")).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private String primaryYaml()
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY, nodeId: 1,\n" +
            "  journal: { dir: " + quote(journal1) + " },\n" +
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: " + quote(secret) +
            ", ackStrategy: !WaitForever { } },\n" +
            fix(0) +
            "  application: echo,\n" +
            "  admin: { listen: \"127.0.0.1:0\" },\n" +
            "  activation: !Manual { }\n" +
            "}\n";
    }

    private String secondaryYaml(final int nodeId, final Path journal, final int connectPort, final int fixPort,
        final String more)
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY, nodeId: " + nodeId + ",\n" +
            "  journal: { dir: " + quote(journal) + " },\n" +
            "  replication: { connect: \"127.0.0.1:" + connectPort + "\", " + more + "clusterName: demo, " +
            "secretFile: " + quote(secret) + " },\n" +
            fix(fixPort) +
            "  application: echo,\n" +
            "  admin: { listen: \"127.0.0.1:0\" },\n" +
            "  activation: !TryHeartbeat { delayMs: 1500 }\n" +
            "}\n";
    }

    private static String fix(final int port)
    {
        return "  fix: { listen: \"127.0.0.1:" + port + "\", sessions: [ { beginString: FIX.4.4, senderCompId: ISLD, " +
            "targetCompId: TW, heartbeatSec: 5 } ] },\n";
    }

    private static String quote(final Path path)
    {
        return "\"" + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void write(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
