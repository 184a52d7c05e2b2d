package dev.tandem.systemtests.chaos;

import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.test.FaultyProxy;
import dev.tandem.test.Ports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tandem.node.demo.NodeProcess.writeFile;
import static dev.tandem.node.demo.NodeProcess.yamlPath;

/**
 * Two node JVMs that take turns being primary, each on fixed loopback ports for its whole life (so an initiator that
 * knows both addresses always finds them), each with a {@link FaultyProxy} in front of its replication port: the
 * other node, as a secondary, always connects through that proxy, so the replication link can be dropped or stalled
 * whichever node is Hot. Node 1 starts as the PRIMARY; every later start of either node is as a SECONDARY of the other
 * (with {@code listenWhenHot} on its own replication port), which is how a stale or dead node rejoins.
 * <p>
 * Threading: one owning thread; the nodes' output pumps call the event consumer on their own threads.
 */
final class ChaosPair implements AutoCloseable
{
    private static final Pattern MODE = Pattern.compile("\"mode\":\"(\\w+)\"");
    private static final Pattern JOURNAL_POSITION = Pattern.compile("tandem_journal_position\\{[^}]*} (\\d+)");
    private static final Pattern APPENDED_POSITION =
        Pattern.compile("tandem_replication_appended_position\\{[^}]*} (\\d+)");
    private static final Pattern CONNECTED = Pattern.compile("tandem_replication_connected\\{[^}]*} 1");
    private static final Pattern CAUGHT_UP = Pattern.compile("tandem_replication_caught_up\\{[^}]*} 1");
    /** How long a node JVM may take to print READY on a loaded 2-core machine. */
    private static final long READY_TIMEOUT_MS = 60_000;
    /**
     * The node JVMs compile with C1 only: a node starts in about half the time on a loaded 2-core machine, which is
     * most of what a restart costs, and 200 orders/s need no C2.
     */
    private static final List<String> NODE_JVM_ARGS = List.of("-XX:TieredStopAtLevel=1");
    /** How long a SIGTERMed node may take to close itself before it is killed. */
    private static final long STOP_TIMEOUT_MS = 15_000;

    /** One node: fixed ports, its journal, the proxy in front of its replication port, its current process. */
    static final class Node
    {
        final int id;
        final String name;
        final int fixPort;
        final int adminPort;
        final int replicationPort;
        final Path journal;
        FaultyProxy proxy;
        NodeProcess process;
        int starts;

        Node(final int id, final int fixPort, final int adminPort, final int replicationPort, final Path journal)
        {
            this.id = id;
            this.name = "node-" + id;
            this.fixPort = fixPort;
            this.adminPort = adminPort;
            this.replicationPort = replicationPort;
            this.journal = journal;
        }

        boolean alive()
        {
            return process != null && process.isAlive();
        }

        @Override
        public String toString()
        {
            return name;
        }
    }

    private final Path dir;
    private final String ackStrategyYaml;
    private final String ackStrategyWhenHotYaml;
    private final String activationYaml;
    private final int heartbeatSec;
    private final Consumer<String> events;
    private final Path secret;
    private final Node[] nodes = new Node[2];
    private final AtomicInteger hotLines = new AtomicInteger();
    private final List<Long> pausedPids = new ArrayList<>();
    private boolean closed;
    /** Kills the node JVMs should this JVM be stopped mid-run (a surefire fork timeout, Ctrl-C). */
    private final Thread killOnExit = new Thread(this::close, "chaos-kill-nodes");

    /**
     * @param ackStrategyYaml        the first primary's {@code ackStrategy}, or null for the node's default.
     * @param ackStrategyWhenHotYaml every secondary's {@code ackStrategyWhenHot}, or null for the node's default.
     */
    ChaosPair(final Path dir, final String ackStrategyYaml, final String ackStrategyWhenHotYaml,
        final String activationYaml, final int heartbeatSec, final Consumer<String> events)
    {
        this.ackStrategyWhenHotYaml = ackStrategyWhenHotYaml;
        this.dir = dir;
        this.ackStrategyYaml = ackStrategyYaml;
        this.activationYaml = activationYaml;
        this.heartbeatSec = heartbeatSec;
        this.events = events;
        this.secret = dir.resolve("replication.secret");
        final byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        writeFile(secret, HexFormat.of().formatHex(bytes));
        final int[] ports = Ports.fixed(6);
        nodes[0] = new Node(1, ports[0], ports[1], ports[2], dir.resolve("node-1-journal"));
        nodes[1] = new Node(2, ports[3], ports[4], ports[5], dir.resolve("node-2-journal"));
    }

    /** Starts the proxies, node 1 as the PRIMARY and node 2 as its SECONDARY, and waits until node 2 replicates. */
    void start()
    {
        Runtime.getRuntime().addShutdownHook(killOnExit);
        for (final Node node : nodes)
        {
            node.proxy = FaultyProxy.start(node.replicationPort);
        }
        launch(nodes[0], primaryYaml(nodes[0]));
        launch(nodes[1], secondaryYaml(nodes[1]));
    }

    /** Kills {@code node} if it still runs and starts it again as the other node's SECONDARY; waits for READY. */
    void restartAsSecondary(final Node node)
    {
        if (node.alive())
        {
            node.process.kill();
        }
        launch(node, secondaryYaml(node));
    }

    private void launch(final Node node, final String yaml)
    {
        node.starts++;
        final Path config = dir.resolve(node.name + ".yaml");
        writeFile(config, yaml);
        final String label = node.name + (node.starts > 1 ? "#" + node.starts : "");
        node.process = NodeProcess.start(node.name, config, NODE_JVM_ARGS, line ->
        {
            if (line.startsWith("TANDEM HOT"))
            {
                hotLines.incrementAndGet();
            }
            events.accept("[" + label + "] " + line);
        });
        node.process.awaitEvent("TANDEM READY", READY_TIMEOUT_MS);
    }

    /** SIGSTOP: the JVM freezes with its sockets open, as in a long GC pause. */
    void pause(final Node node)
    {
        signal("STOP", node.process.pid());
        synchronized (pausedPids)
        {
            pausedPids.add(node.process.pid());
        }
    }

    /** SIGCONT after {@link #pause}. */
    void resume(final Node node)
    {
        signal("CONT", node.process.pid());
        synchronized (pausedPids)
        {
            pausedPids.remove(node.process.pid());
        }
    }

    private static void signal(final String signal, final long pid)
    {
        try
        {
            final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
            {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " +
                    new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    /** SIGTERM; the node closes itself (killed if it takes longer than a deadline). */
    void terminate(final Node node)
    {
        node.process.stop(STOP_TIMEOUT_MS);
    }

    /** The node's mode from its admin API ({@code Hot}, {@code Warm}, {@code Stale}), {@code Down} or {@code ?}. */
    String mode(final Node node)
    {
        if (!node.alive())
        {
            return "Down";
        }
        final Matcher matcher = MODE.matcher(DemoCluster.http("GET", node.adminPort, "/service/state"));
        return matcher.find() ? matcher.group(1) : "?";
    }

    /** The newest journal position of a node, -1 if it cannot tell. */
    long journalPosition(final Node node)
    {
        return metric(node, JOURNAL_POSITION);
    }

    /** The newest position a secondary copied from its primary, -1 if it cannot tell. */
    long appendedPosition(final Node node)
    {
        return metric(node, APPENDED_POSITION);
    }

    /**
     * Whether a secondary streams from its primary now and holds what the primary had when it attached: until then
     * it does not take over by itself, so the next fault waits for it.
     */
    boolean replicating(final Node node)
    {
        if (!node.alive())
        {
            return false;
        }
        final String metrics = DemoCluster.http("GET", node.adminPort, "/metrics");
        return CONNECTED.matcher(metrics).find() && CAUGHT_UP.matcher(metrics).find();
    }

    private static long metric(final Node node, final Pattern pattern)
    {
        if (!node.alive())
        {
            return -1;
        }
        final Matcher matcher = pattern.matcher(DemoCluster.http("GET", node.adminPort, "/metrics"));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    Node node(final int index)
    {
        return nodes[index];
    }

    Node other(final Node node)
    {
        return node == nodes[0] ? nodes[1] : nodes[0];
    }

    /** TANDEM HOT lines printed so far: activations of a secondary. */
    int hotLines()
    {
        return hotLines.get();
    }

    /** The FIX addresses, node 1 first. */
    int[] fixPorts()
    {
        return new int[]{nodes[0].fixPort, nodes[1].fixPort};
    }

    private String primaryYaml(final Node node)
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY,\n" +
            "  nodeId: " + node.id + ",\n" +
            "  journal: { dir: " + yamlPath(node.journal) + " },\n" +
            "  replication: { listen: \"127.0.0.1:" + node.replicationPort + "\", clusterName: chaos, secretFile: " +
            yamlPath(secret) + (ackStrategyYaml == null ? "" : ", ackStrategy: " + ackStrategyYaml) + " },\n" +
            common(node) +
            "  activation: !Manual { }\n" +
            "}\n";
    }

    private String secondaryYaml(final Node node)
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY,\n" +
            "  nodeId: " + node.id + ",\n" +
            "  journal: { dir: " + yamlPath(node.journal) + " },\n" +
            "  replication: { connect: \"127.0.0.1:" + other(node).proxy.port() + "\", listenWhenHot: \"127.0.0.1:" +
            node.replicationPort + "\", clusterName: chaos, secretFile: " + yamlPath(secret) +
            (ackStrategyWhenHotYaml == null ? "" : ", ackStrategyWhenHot: " + ackStrategyWhenHotYaml) + " },\n" +
            common(node) +
            "  activation: " + activationYaml + "\n" +
            "}\n";
    }

    private String common(final Node node)
    {
        return "  fix: { listen: \"127.0.0.1:" + node.fixPort + "\", sessions: [ { beginString: FIX.4.4, " +
            "senderCompId: ISLD, targetCompId: TW, heartbeatSec: " + heartbeatSec + " } ] },\n" +
            "  application: echo,\n" +
            "  admin: { listen: \"127.0.0.1:" + node.adminPort + "\" },\n";
    }

    /** Resumes any paused node, kills both nodes (SIGKILL) and closes the proxies; never throws. */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (Thread.currentThread() != killOnExit)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            }
            catch (final IllegalStateException | IllegalArgumentException ignore)
            {
                // shutting down already, or never registered
            }
        }
        final List<Long> paused;
        synchronized (pausedPids)
        {
            paused = new ArrayList<>(pausedPids);
            pausedPids.clear();
        }
        for (final long pid : paused)
        {
            try
            {
                signal("CONT", pid);
            }
            catch (final RuntimeException ignore)
            {
                // SIGKILL below works on a stopped process too
            }
        }
        for (final Node node : nodes)
        {
            if (node == null)
            {
                continue;
            }
            if (node.process != null)
            {
                node.process.close();
            }
            if (node.proxy != null)
            {
                node.proxy.close();
            }
        }
    }
}
