package dev.tandem.node.demo;

import dev.tandem.failover.ConnectionStrategies;
import dev.tandem.failover.FailoverInitiatorConfig;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

import static dev.tandem.node.demo.NodeProcess.writeFile;
import static dev.tandem.node.demo.NodeProcess.yamlPath;

/**
 * A primary and a secondary node, each in its own JVM on loopback with free ports and a directory of their own,
 * plus the configuration of an initiator that knows both. Used by the demo, the system tests and the failover-time
 * harness.
 * <p>
 * Threading: one owning thread.
 */
public final class DemoCluster implements AutoCloseable
{
    /** What the nodes run with; defaults are the demo's. */
    public static final class Options
    {
        String ackStrategy = "!WaitForever { }";
        String activation = "!TryHeartbeat { delayMs: 300 }";
        String primaryActivation = "!Manual { }";
        int heartbeatSec = 5;
        boolean peerAdmin = false;
        String primaryOnFailure = "EXIT";
        boolean switchover = false;
        Consumer<String> echo;

        /**
         * Whether the pair can switch over back and forth ({@code PUT /service/switchover}): the secondary serves
         * replication once Hot ({@code listenWhenHot}, same ack strategy), the primary knows where to follow it
         * ({@code replication.connect}), and both replication ports are fixed before the start.
         */
        public Options switchover(final boolean switchover)
        {
            this.switchover = switchover;
            return this;
        }

        /** The primary's {@code onFailure}: EXIT (the default) or STAY_UP. */
        public Options primaryOnFailure(final String primaryOnFailure)
        {
            this.primaryOnFailure = primaryOnFailure;
            return this;
        }

        public Options ackStrategy(final String ackStrategy)
        {
            this.ackStrategy = ackStrategy;
            return this;
        }

        public Options activation(final String activation)
        {
            this.activation = activation;
            return this;
        }

        /** The primary's activation mode: !TryLock { file } when the secondary uses TryLock too. */
        public Options primaryActivation(final String primaryActivation)
        {
            this.primaryActivation = primaryActivation;
            return this;
        }

        public Options heartbeatSec(final int heartbeatSec)
        {
            this.heartbeatSec = heartbeatSec;
            return this;
        }

        /** Whether the nodes know each other's admin address (peerAdmin). */
        public Options peerAdmin(final boolean peerAdmin)
        {
            this.peerAdmin = peerAdmin;
            return this;
        }

        /** Receives the nodes' TANDEM lines, prefixed with the node's name. */
        public Options echo(final Consumer<String> echo)
        {
            this.echo = echo;
            return this;
        }
    }

    private final Path dir;
    private final Options options;
    private final Path secret;
    private NodeProcess primary;
    private NodeProcess secondary;
    private int primaryFixPort;
    private int primaryAdminPort;
    private int replicationPort;
    private int secondaryFixPort;
    private int secondaryAdminPort;
    /** The secondary's replication port once Hot ({@code listenWhenHot}); 0 unless {@link Options#switchover}. */
    private int secondaryReplicationPort;

    private final Path adminTokenFile;
    private final String adminToken;

    private DemoCluster(final Path dir, final Options options)
    {
        this.dir = dir;
        this.options = options;
        this.secret = dir.resolve("replication.secret");
        final byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        writeFile(secret, HexFormat.of().formatHex(bytes));
        this.adminTokenFile = dir.resolve("admin.token");
        new SecureRandom().nextBytes(bytes);
        this.adminToken = HexFormat.of().formatHex(bytes);
        writeFile(adminTokenFile, adminToken);
        if (options.switchover)
        {
            // a node serves replication again at the same port each time it turns Hot: both are fixed up front
            replicationPort = freePort();
            secondaryReplicationPort = freePort();
        }
    }

    /** A port free now on loopback (another process could take it before a node binds it: the node then says so). */
    private static int freePort()
    {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
            java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** The admin token both nodes require on state-changing calls (see {@link #http(String, int, String, String)}). */
    public String adminToken()
    {
        return adminToken;
    }

    /** Starts the primary, then the secondary connected to it, and waits until both are ready. */
    public static DemoCluster start(final Path dir, final Options options)
    {
        final DemoCluster cluster = new DemoCluster(dir, options);
        try
        {
            cluster.startPrimary();
            cluster.startSecondary();
            return cluster;
        }
        catch (final RuntimeException ex)
        {
            cluster.close();
            throw ex;
        }
    }

    /** Starts (or restarts, on the same journal and ports) the primary and waits for its READY line. */
    public String startPrimary()
    {
        final Path config = dir.resolve("primary.yaml");
        writeFile(config, primaryYaml(replicationPort, primaryFixPort, primaryAdminPort));
        primary = NodeProcess.start("primary", config, List.of(), echo("primary"));
        final String ready = primary.awaitEvent("TANDEM READY", 30_000);
        primaryFixPort = NodeProcess.fixPort(ready);
        primaryAdminPort = NodeProcess.adminPort(ready);
        if (ready.contains(" replication="))
        {
            replicationPort = NodeProcess.replicationPort(ready);
        }
        return ready;
    }

    /** Writes a config file in the cluster's directory and returns its path. */
    public Path writeConfig(final String name, final String yaml)
    {
        final Path file = dir.resolve(name);
        writeFile(file, yaml);
        return file;
    }

    /** The primary's config text, for variations in tests. */
    public String primaryYaml()
    {
        return primaryYaml(replicationPort, primaryFixPort, primaryAdminPort);
    }

    /** The shared secret's file. */
    public Path secretFile()
    {
        return secret;
    }

    /** Starts (or restarts) the secondary and waits for its READY line. */
    public String startSecondary()
    {
        final Path config = dir.resolve("secondary.yaml");
        writeFile(config, secondaryYaml());
        secondary = NodeProcess.start("secondary", config, List.of(), echo("secondary"));
        final String ready = secondary.awaitEvent("TANDEM READY", 30_000);
        secondaryFixPort = NodeProcess.fixPort(ready);
        secondaryAdminPort = NodeProcess.adminPort(ready);
        return ready;
    }

    private Consumer<String> echo(final String name)
    {
        final Consumer<String> echo = options.echo;
        return echo == null ? null : line -> echo.accept("[" + name + "] " + line);
    }

    String primaryYaml(final int replication, final int fix, final int admin)
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY,\n" +
            "  nodeId: 1,\n" +
            "  journal: { dir: " + yamlPath(dir.resolve("primary-journal")) + " },\n" +
            "  replication: { listen: \"127.0.0.1:" + replication + "\", clusterName: demo, secretFile: " +
            yamlPath(secret) + ", ackStrategy: " + options.ackStrategy +
            (options.switchover ? ", connect: \"127.0.0.1:" + secondaryReplicationPort + "\"" : "") + " },\n" +
            "  fix: { listen: \"127.0.0.1:" + fix + "\", sessions: [ { beginString: FIX.4.4, senderCompId: ISLD, " +
            "targetCompId: TW, heartbeatSec: " + options.heartbeatSec + " } ] },\n" +
            "  application: echo,\n" +
            "  admin: { listen: \"127.0.0.1:" + admin + "\", tokenFile: " + yamlPath(adminTokenFile) + " },\n" +
            (options.peerAdmin && secondaryAdminPort > 0 ? "  peerAdmin: \"127.0.0.1:" + secondaryAdminPort +
            "\",\n" : "") +
            "  onFailure: " + options.primaryOnFailure + ",\n" +
            "  activation: " + options.primaryActivation + "\n" +
            "}\n";
    }

    public String secondaryYaml()
    {
        return "!NodeConfig {\n" +
            "  role: SECONDARY,\n" +
            "  nodeId: 2,\n" +
            "  journal: { dir: " + yamlPath(dir.resolve("secondary-journal")) + " },\n" +
            "  replication: { connect: \"127.0.0.1:" + replicationPort + "\", clusterName: demo, secretFile: " +
            yamlPath(secret) + (options.switchover ? ", listenWhenHot: \"127.0.0.1:" + secondaryReplicationPort +
            "\", ackStrategyWhenHot: " + options.ackStrategy : "") + " },\n" +
            "  fix: { listen: \"127.0.0.1:" + secondaryFixPort + "\", sessions: [ { beginString: FIX.4.4, " +
            "senderCompId: ISLD, targetCompId: TW, heartbeatSec: " + options.heartbeatSec + " } ] },\n" +
            "  application: echo,\n" +
            "  admin: { listen: \"127.0.0.1:" + secondaryAdminPort + "\", tokenFile: " + yamlPath(adminTokenFile) +
            " },\n" +
            (options.peerAdmin ? "  peerAdmin: \"127.0.0.1:" + primaryAdminPort + "\",\n" : "") +
            "  activation: " + options.activation + "\n" +
            "}\n";
    }

    /** An initiator (TW to ISLD) that knows the primary first and the secondary second. */
    public FailoverInitiatorConfig initiatorConfig(final String connectionStrategyYaml)
    {
        return new FailoverInitiatorConfig()
            .connect(List.of("127.0.0.1:" + primaryFixPort, "127.0.0.1:" + secondaryFixPort))
            .connectionStrategy(ConnectionStrategies.fromYaml(connectionStrategyYaml))
            .senderCompId("TW")
            .targetCompId("ISLD")
            .heartbeatSec(options.heartbeatSec)
            .journalDir(dir.resolve("initiator-journal").toString())
            .validate();
    }

    /** Waits until the secondary streams from the primary (its metrics say so). */
    public void awaitReplicating(final long timeoutMs)
    {
        awaitReplicating(secondary, secondaryAdminPort, "node-2", timeoutMs);
    }

    /**
     * Waits until the primary process streams from the secondary, as it does after a switchover (its metrics say
     * so).
     */
    public void awaitPrimaryReplicating(final long timeoutMs)
    {
        awaitReplicating(primary, primaryAdminPort, "node-1", timeoutMs);
    }

    private static void awaitReplicating(final NodeProcess node, final int adminPort, final String name,
        final long timeoutMs)
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline)
        {
            final String metrics = http("GET", adminPort, "/metrics");
            if (metrics.contains("tandem_replication_connected{node=\"" + name + "\"} 1"))
            {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        throw new IllegalStateException(node.name() + " did not start replicating within " + timeoutMs + " ms; " +
            "its output:\n" + String.join("\n", node.transcript()));
    }

    /** A plain HTTP call to a node's admin API: {@code "<status> <body>"}, or {@code "000 <error>"}. */
    public static String http(final String method, final int port, final String path)
    {
        return http(method, port, path, null);
    }

    /** As {@link #http(String, int, String)}, with {@code Authorization: Bearer <token>} when the token is not null. */
    public static String http(final String method, final int port, final String path, final String token)
    {
        try
        {
            final HttpURLConnection connection =
                (HttpURLConnection)new URL("http://127.0.0.1:" + port + path).openConnection();
            connection.setRequestMethod(method);
            if (token != null)
            {
                connection.setRequestProperty("Authorization", "Bearer " + token);
            }
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(15_000);
            try
            {
                final int status = connection.getResponseCode();
                final InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
                return status + " " + (in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            finally
            {
                connection.disconnect();
            }
        }
        catch (final IOException ex)
        {
            return "000 " + ex;
        }
    }

    public Path dir()
    {
        return dir;
    }

    public NodeProcess primary()
    {
        return primary;
    }

    public NodeProcess secondary()
    {
        return secondary;
    }

    public int primaryFixPort()
    {
        return primaryFixPort;
    }

    public int secondaryFixPort()
    {
        return secondaryFixPort;
    }

    public int primaryAdminPort()
    {
        return primaryAdminPort;
    }

    public int secondaryAdminPort()
    {
        return secondaryAdminPort;
    }

    public int replicationPort()
    {
        return replicationPort;
    }

    public Path primaryJournal()
    {
        return dir.resolve("primary-journal");
    }

    public Path secondaryJournal()
    {
        return dir.resolve("secondary-journal");
    }

    @Override
    public void close()
    {
        if (primary != null)
        {
            primary.close();
        }
        if (secondary != null)
        {
            secondary.close();
        }
    }
}
