package dev.tandem.benchmarks.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

import dev.tandem.node.Dirs;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;

/**
 * The acceptors of the node-level harness, each started in its own JVM(s) in a fresh temporary directory: a Tandem
 * node alone, a Tandem primary + secondary pair, QuickFIX/J with a FileStore, and the raw echo server. Tandem nodes
 * run {@code NodeMain node} with the built-in {@code echo} application and the node's defaults, plus whatever
 * {@link NodeOptions} add (YAML entries such as a threading profile, JVM arguments); every JVM gets the same heap and
 * GC flags.
 * <p>
 * Threading: the caller's thread.
 */
public final class Acceptors
{
    /** The ready line a baseline child prints, followed by its port. */
    static final String READY = NodeLatencyHarness.READY;
    /**
     * Every acceptor JVM runs with its JVM's own heap and collector, as its users start it: Tandem's nodes as
     * {@code ./tandem node} does ({@link NodeProcess#startAsLauncher}), the baselines with no JVM options at all.
     */
    static final List<String> BASELINE_JVM_ARGS = List.of();
    private static final long START_TIMEOUT_MS = 60_000;

    private Acceptors()
    {
    }

    /**
     * What is added to every Tandem node of a run, to choose e.g. a threading profile once the node has them.
     *
     * @param yaml top-level NodeConfig entries, each {@code key: value}, e.g. {@code threading: { profile: SHARED }};
     *             the node validates them as it validates any config (an unknown key stops it with TANDEM CONFIG ERROR).
     * @param jvmArgs JVM arguments for the node processes, e.g. {@code -Dsome.property=value}.
     * @param label a suffix for the report's labels and keys (e.g. {@code low-latency}); empty for the defaults.
     */
    public record NodeOptions(List<String> yaml, List<String> jvmArgs, String label)
    {
        /** The node's documented defaults: nothing added. */
        public static NodeOptions defaults()
        {
            return new NodeOptions(List.of(), List.of(), "");
        }

        String keySuffix()
        {
            return label.isEmpty() ? "" : "-" + label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        }

        String labelSuffix()
        {
            return label.isEmpty() ? "" : " [" + label + "]";
        }

        String yamlLines()
        {
            final StringBuilder lines = new StringBuilder();
            for (final String entry : yaml)
            {
                lines.append("  ").append(entry).append(",\n");
            }
            return lines.toString();
        }
    }

    /** A Tandem node with no replication: journal, FIX engine and echo application. */
    public static Acceptor tandemNode(final NodeOptions options)
    {
        final Path dir = tempDir("tandem-bench-node-");
        try
        {
            final Path config = write(dir.resolve("node.yaml"), "!NodeConfig {\n" +
                "  role: PRIMARY,\n" +
                "  nodeId: 1,\n" +
                "  journal: { dir: " + quote(dir.resolve("journal")) + " },\n" +
                fix() +
                "  application: echo,\n" +
                options.yamlLines() +
                "  activation: !Manual { }\n" +
                "}\n");
            final NodeProcess node = NodeProcess.startAsLauncher("node", config, options.jvmArgs(), null);
            final int port = NodeProcess.fixPort(node.awaitEvent("TANDEM READY", START_TIMEOUT_MS));
            return new TandemAcceptor("tandem-node" + options.keySuffix(),
                "Tandem node, no replication" + options.labelSuffix(), dir, port, List.of(node));
        }
        catch (final RuntimeException ex)
        {
            Dirs.deleteRecursively(dir);
            throw ex;
        }
    }

    /**
     * A Tandem primary streaming to a secondary (activation {@code !Manual}: no failover here), waiting until the
     * secondary replicates; the client connects to the primary.
     *
     * @param ackStrategy the primary's {@code replication.ackStrategy}, e.g. {@code !WaitForever { }}.
     * @param ackKey a short name of the strategy for keys and labels, e.g. {@code WaitForever}.
     */
    public static Acceptor tandemPair(final String ackStrategy, final String ackKey, final NodeOptions options)
    {
        final Path dir = tempDir("tandem-bench-pair-");
        final List<NodeProcess> nodes = new ArrayList<>();
        try
        {
            final Path secret = write(dir.resolve("replication.secret"), "tandem-bench-replication-secret-0123456789");
            final Path primaryConfig = write(dir.resolve("primary.yaml"), "!NodeConfig {\n" +
                "  role: PRIMARY,\n" +
                "  nodeId: 1,\n" +
                "  journal: { dir: " + quote(dir.resolve("primary-journal")) + " },\n" +
                "  replication: { listen: \"127.0.0.1:0\", clusterName: bench, secretFile: " + quote(secret) +
                ", ackStrategy: " + ackStrategy + " },\n" +
                fix() +
                "  application: echo,\n" +
                options.yamlLines() +
                "  activation: !Manual { }\n" +
                "}\n");
            final NodeProcess primary = NodeProcess.startAsLauncher("primary", primaryConfig, options.jvmArgs(), null);
            nodes.add(primary);
            final String ready = primary.awaitEvent("TANDEM READY", START_TIMEOUT_MS);
            final int fixPort = NodeProcess.fixPort(ready);
            final int replicationPort = NodeProcess.replicationPort(ready);
            final Path secondaryConfig = write(dir.resolve("secondary.yaml"), "!NodeConfig {\n" +
                "  role: SECONDARY,\n" +
                "  nodeId: 2,\n" +
                "  journal: { dir: " + quote(dir.resolve("secondary-journal")) + " },\n" +
                "  replication: { connect: \"127.0.0.1:" + replicationPort + "\", clusterName: bench, secretFile: " +
                quote(secret) + " },\n" +
                fix() +
                "  application: echo,\n" +
                options.yamlLines() +
                "  activation: !Manual { }\n" +
                "}\n");
            final NodeProcess secondary = NodeProcess.startAsLauncher("secondary", secondaryConfig, options.jvmArgs(), null);
            nodes.add(secondary);
            final int secondaryAdmin = NodeProcess.adminPort(secondary.awaitEvent("TANDEM READY", START_TIMEOUT_MS));
            awaitReplicating(secondaryAdmin, secondary);
            return new TandemAcceptor("tandem-pair-" + ackKey.toLowerCase(Locale.ROOT) + options.keySuffix(),
                "Tandem pair, " + ackKey + options.labelSuffix(), dir, fixPort, nodes);
        }
        catch (final RuntimeException ex)
        {
            nodes.forEach(NodeProcess::close);
            Dirs.deleteRecursively(dir);
            throw ex;
        }
    }

    /** QuickFIX/J 3.0.0 with a FileStore, no replication. */
    public static Acceptor quickFixJ()
    {
        final Path dir = tempDir("tandem-bench-qfj-");
        final ChildProcess child = ChildProcess.start("quickfixj", BASELINE_JVM_ARGS, QuickFixJEchoAcceptor.class,
            dir.resolve("store").toString());
        return baseline("quickfixj-filestore", "QuickFIX/J 3.0.0, FileStore, no replication", child, dir);
    }

    /** The raw byte-echo server: the client's own floor. */
    public static Acceptor rawEcho()
    {
        final Path dir = tempDir("tandem-bench-echo-");
        final ChildProcess child = ChildProcess.start("raw-echo", BASELINE_JVM_ARGS, RawEchoServer.class);
        return baseline("raw-echo", "raw echo server (the client's floor)", child, dir);
    }

    private static Acceptor baseline(final String key, final String label, final ChildProcess child, final Path dir)
    {
        final int port;
        try
        {
            final String ready = child.awaitLine(READY, START_TIMEOUT_MS);
            port = Integer.parseInt(ready.substring(READY.length()).trim());
        }
        catch (final RuntimeException ex)
        {
            child.close();
            Dirs.deleteRecursively(dir);
            throw ex;
        }
        return new Acceptor()
        {
            @Override
            public String key()
            {
                return key;
            }

            @Override
            public String label()
            {
                return label;
            }

            @Override
            public int fixPort()
            {
                return port;
            }

            @Override
            public List<Proc> processes()
            {
                return List.of(new Proc(key, child.pid()));
            }

            @Override
            public void close()
            {
                child.close();
                Dirs.deleteRecursively(dir);
            }
        };
    }

    private static void awaitReplicating(final int adminPort, final NodeProcess secondary)
    {
        final long deadline = System.nanoTime() + START_TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() - deadline < 0)
        {
            if (DemoCluster.http("GET", adminPort, "/metrics").contains("tandem_replication_connected{node=\"node-2\"} 1"))
            {
                return;
            }
            LockSupport.parkNanos(20_000_000L);
        }
        throw new IllegalStateException("the secondary did not start replicating within " + START_TIMEOUT_MS +
            " ms; its output:\n" + String.join("\n", secondary.transcript()));
    }

    private static String fix()
    {
        return "  fix: { listen: \"127.0.0.1:0\", sessions: [ { beginString: FIX.4.4, senderCompId: ISLD, " +
            "targetCompId: TW, heartbeatSec: 30 } ] },\n";
    }

    private static Path tempDir(final String prefix)
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

    private static Path write(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String quote(final Path path)
    {
        return "\"" + path.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Tandem node processes plus their directory. */
    private static final class TandemAcceptor implements Acceptor
    {
        private final String key;
        private final String label;
        private final Path dir;
        private final int port;
        private final List<NodeProcess> nodes;

        TandemAcceptor(final String key, final String label, final Path dir, final int port,
            final List<NodeProcess> nodes)
        {
            this.key = key;
            this.label = label;
            this.dir = dir;
            this.port = port;
            this.nodes = List.copyOf(nodes);
        }

        @Override
        public String key()
        {
            return key;
        }

        @Override
        public String label()
        {
            return label;
        }

        @Override
        public int fixPort()
        {
            return port;
        }

        @Override
        public List<Proc> processes()
        {
            final List<Proc> procs = new ArrayList<>();
            for (final NodeProcess node : nodes)
            {
                procs.add(new Proc(node.name(), node.pid()));
            }
            return procs;
        }

        @Override
        public void close()
        {
            for (final NodeProcess node : nodes)
            {
                if (!node.isAlive())
                {
                    System.err.println(node.name() + " had exited; its output:\n" +
                        String.join("\n", node.transcript()));
                }
                node.close();
            }
            Dirs.deleteRecursively(dir);
        }
    }
}
