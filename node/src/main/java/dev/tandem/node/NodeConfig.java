package dev.tandem.node;

import dev.tandem.journal.JournalContext;
import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.ConfigTypes;
import dev.tandem.journal.config.HostPort;
import dev.tandem.journal.config.YamlNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A node's whole configuration, read from YAML (see node/README.md for every key and its default):
 * <pre>
 * !NodeConfig {
 *   role: PRIMARY,
 *   nodeId: 1,
 *   journal: { dir: data/primary, persistence: BUFFERED },
 *   replication: { listen: "127.0.0.1:9701", clusterName: demo, secretFile: secret.txt,
 *                  ackStrategy: !WaitForever { } },
 *   fix: { listen: "127.0.0.1:9880", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },
 *   application: echo,
 *   admin: { listen: "127.0.0.1:9780" },
 *   activation: !TryHeartbeat { delayMs: 500 },
 *   peerAdmin: "127.0.0.1:9781"
 * }
 * </pre>
 * The sections are the modules' own contexts, read through their key tables with the names of their setters:
 * {@code journal} is a {@link JournalContext} ({@link JournalContext#CONFIG}), {@code replication} the replication
 * module's source and sink contexts ({@link ReplicationConfig}), {@code fix} the fix-session module's
 * {@code FixContext} and {@code SessionConfig}s ({@link FixConfig}). The {@code !NodeConfig} tag at the top is
 * optional, so plain YAML works; a pluggable part may be written {@code !Name { ... }} or {@code { type: Name, ... }}.
 * An application may hand its own file and the key of Tandem's section ({@link #fromYaml(Path, String)}), or the map
 * its own YAML reader made ({@link #fromMap(Map)}).
 * <p>
 * Reading is strict: an unknown key, a value of the wrong kind, a bad address, a missing secret or a missing section
 * fails at start-up with a {@link ConfigException} reading {@code TANDEM CONFIG ERROR <key path>: <bad value> ...}.
 * <p>
 * Threading: read and validated on the start-up thread; immutable afterwards.
 */
public final class NodeConfig
{
    /** The built-in application: sends every application message back to its sender. */
    public static final String ECHO = "echo";

    /**
     * Default for how often a Hot node asks its peer ({@code peerAdmin}) whether it claims Hot too: one HTTP request a
     * second is nothing for either node, and a second of two primaries at one epoch is short next to the minutes an
     * operator would take to notice.
     */
    public static final long DEFAULT_PEER_CHECK_INTERVAL_MS = 1_000;
    /** The shortest interval but off (0): shorter would only load the peer's admin API. */
    public static final long MIN_PEER_CHECK_INTERVAL_MS = 100;
    /** The longest interval: an hour; beyond it the check would say little. */
    public static final long MAX_PEER_CHECK_INTERVAL_MS = 3_600_000;

    /** The activation modes, chosen by type tag. */
    public static final ConfigTypes<ActivationMode> ACTIVATION = new ConfigTypes<ActivationMode>("an activation mode")
        .type("TryHeartbeat", TryHeartbeat::new, new ConfigTable<TryHeartbeat>("!TryHeartbeat")
            .longValue("delayMs", TryHeartbeat::delayMs)
            .bool("activateOnRefusal", TryHeartbeat::activateOnRefusal))
        .type("TryLock", TryLock::new, new ConfigTable<TryLock>("!TryLock")
            .text("file", TryLock::file))
        .type("Manual", Manual::new, new ConfigTable<>("!Manual"));

    /** The top-level keys, each with its section's reader. */
    public static final ConfigTable<NodeConfig> CONFIG = new ConfigTable<NodeConfig>("the node")
        .enumValue("role", Role.class, NodeConfig::role)
        .intValue("nodeId", 1, Integer.MAX_VALUE, NodeConfig::nodeId)
        .custom("journal", (config, value) -> config.journal(JournalContext.CONFIG.apply(value, new JournalContext())))
        .custom("replication", (config, value) -> config.replication(ReplicationConfig.read(value)))
        .custom("fix", (config, value) -> config.fix(FixConfig.read(value)))
        .text("application", NodeConfig::application)
        .custom("admin", (config, value) -> config.admin(AdminConfig.CONFIG.apply(value, new AdminConfig())))
        .object("activation", ACTIVATION, NodeConfig::activation)
        .text("peerAdmin", NodeConfig::peerAdmin)
        .longValue("peerCheckIntervalMs", 0, MAX_PEER_CHECK_INTERVAL_MS, NodeConfig::peerCheckIntervalMs)
        .enumValue("onFailure", FailurePolicy.class, NodeConfig::onFailure)
        .enumValue("threading", ThreadingProfile.class, NodeConfig::threading)
        .bool("gcAtStart", NodeConfig::gcAtStart)
        .custom("recovery", (config, value) -> config.recovery(RecoveryConfig.read(value)));

    private static final List<String> TAGS = List.of("NodeConfig", NodeConfig.class.getName());

    static
    {
        // the activation modes print as their tags in logs: !TryHeartbeat { delayMs: 500 }
        net.openhft.chronicle.core.pool.ClassAliasPool.CLASS_ALIASES.addAlias(TryHeartbeat.class, "TryHeartbeat");
        net.openhft.chronicle.core.pool.ClassAliasPool.CLASS_ALIASES.addAlias(TryLock.class, "TryLock");
        net.openhft.chronicle.core.pool.ClassAliasPool.CLASS_ALIASES.addAlias(Manual.class, "Manual");
    }

    private Role role;
    private int nodeId;
    private JournalContext journal;
    private ReplicationConfig replication;
    private FixConfig fix;
    private String application = ECHO;
    private AdminConfig admin = new AdminConfig();
    private ActivationMode activation = new Manual();
    private String peerAdmin;
    private long peerCheckIntervalMs = DEFAULT_PEER_CHECK_INTERVAL_MS;
    private FailurePolicy onFailure = FailurePolicy.EXIT;
    private boolean gcAtStart = true;
    private ThreadingProfile threading = ThreadingProfile.SHARED;
    private Correlation recovery = Correlation.CL_ORD_ID_DEFAULT;

    /** Reads and validates a config file (the whole file is Tandem's). */
    public static NodeConfig load(final Path file)
    {
        return fromYaml(read(file, "--config"));
    }

    /**
     * Reads and validates the section {@code section} of an application's own YAML file, ignoring the application's
     * other keys: e.g. {@code fromYaml(Path.of("gateway.yaml"), "tandem")}, or a dotted path such as
     * {@code "services.tandem"}. Errors name the key path in the file ({@code tandem.replication.listen}).
     *
     * @throws ConfigException when the file cannot be read, the section is missing, or the section is not valid.
     */
    public static NodeConfig fromYaml(final Path file, final String section)
    {
        return wrap(() ->
        {
            YamlNode node = YamlNode.parse(read(file, section));
            for (final String key : section.split("\\."))
            {
                final YamlNode child = node.isMap() ? node.get(key) : null;
                if (child == null)
                {
                    throw new ConfigException(YamlNode.child(node.path(), key) + ": missing in '" + file + "'; " +
                        "expected Tandem's section there" + (node.isMap() ? " (keys found: " +
                        String.join(", ", node.keys()) + ")" : ""));
                }
                node = child;
            }
            return fromTree(node);
        });
    }

    /** Reads and validates YAML text, with or without the leading {@code !NodeConfig} tag. */
    public static NodeConfig fromYaml(final String yaml)
    {
        return wrap(() -> fromTree(YamlNode.parse(yaml)));
    }

    /**
     * Reads and validates the map an application's own YAML reader (SnakeYAML, Jackson, ...) made of Tandem's
     * section: text keys, nested maps and lists, scalars; pluggable parts in the plain form
     * {@code activation: { type: TryHeartbeat, delayMs: 500 }}.
     */
    public static NodeConfig fromMap(final Map<String, ?> map)
    {
        return wrap(() -> fromTree(YamlNode.of(map, "")));
    }

    /** Reads and validates a configuration tree whose root is Tandem's section. */
    public static NodeConfig fromTree(final YamlNode root)
    {
        return wrap(() ->
        {
            if (root.tag() != null && !TAGS.contains(root.tag()))
            {
                throw new ConfigException(root.where() + ": !" + root.tag() + " is not a node configuration; " +
                    "expected !NodeConfig { ... } or no tag");
            }
            if (root.isScalar() && root.text() == null)
            {
                throw new ConfigException(root.where() + ": empty, expected a node configuration");
            }
            return CONFIG.apply(root.withTag(null), new NodeConfig()).validate();
        });
    }

    private static String read(final Path file, final String key)
    {
        try
        {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(key + ": cannot read '" + file + "': " + ex.getMessage(), ex);
        }
    }

    /** Every error as this module's {@link ConfigException}, so one catch serves the command line. */
    private static NodeConfig wrap(final java.util.function.Supplier<NodeConfig> reading)
    {
        try
        {
            return reading.get();
        }
        catch (final ConfigException ex)
        {
            throw ex;
        }
        catch (final dev.tandem.journal.config.ConfigException ex)
        {
            throw new ConfigException(ex.getMessage(), ex);
        }
    }

    /**
     * Checks every section, failing on the first problem with the key and the value.
     *
     * @throws ConfigException naming the key.
     */
    public NodeConfig validate()
    {
        if (role == null)
        {
            throw new ConfigException("role: missing, expected PRIMARY or SECONDARY");
        }
        if (nodeId == 0)
        {
            nodeId = role == Role.PRIMARY ? 1 : 2;
        }
        if (journal == null)
        {
            throw new ConfigException("journal: missing, expected e.g. journal: { dir: data/" +
                role.name().toLowerCase() + " }");
        }
        try
        {
            journal.conclude();
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigException("journal: " + ex.getMessage(), ex);
        }
        if (fix == null)
        {
            throw new ConfigException("fix: missing, expected e.g. fix: { listen: \"127.0.0.1:9880\", " +
                "sessions: [ { senderCompId: ISLD, targetCompId: TW } ] }");
        }
        fix.validate();
        if (admin == null)
        {
            admin = new AdminConfig();
        }
        admin.validate();
        if (application == null || application.isBlank())
        {
            throw new ConfigException("application: missing, expected 'echo' or a class name");
        }
        if (!ECHO.equals(application) || FixEndpoints.onClasspath(FixEndpoints.ECHO_CLASS))
        {
            FixEndpoints.application(application); // echo without tandem-cli fails when the node starts
        }
        if (activation == null)
        {
            throw new ConfigException("activation: missing, expected !TryHeartbeat { delayMs: 500 }, " +
                "!TryLock { file: ... } or !Manual { }");
        }
        activation.validate("activation.!" + activation.name());
        if (peerAdmin != null)
        {
            try
            {
                HostPort.parse("peerAdmin", peerAdmin, false);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException(ex.getMessage(), ex);
            }
        }
        if (peerCheckIntervalMs != 0 &&
            (peerCheckIntervalMs < MIN_PEER_CHECK_INTERVAL_MS || peerCheckIntervalMs > MAX_PEER_CHECK_INTERVAL_MS))
        {
            throw new ConfigException("peerCheckIntervalMs: " + peerCheckIntervalMs + " is out of range, expected 0 " +
                "(no check while running) or " + MIN_PEER_CHECK_INTERVAL_MS + ".." + MAX_PEER_CHECK_INTERVAL_MS);
        }
        if (onFailure == null)
        {
            throw new ConfigException("onFailure: null, expected EXIT or STAY_UP");
        }
        if (threading == null)
        {
            throw new ConfigException("threading: null, expected LOW_LATENCY, BALANCED or SHARED");
        }
        if (replication == null && role == Role.SECONDARY)
        {
            throw new ConfigException("replication: missing; a SECONDARY needs replication: { connect: " +
                "\"host:port\", secretFile: ... } to copy the primary's journal");
        }
        if (replication != null)
        {
            replication.validate(role);
            if (activation instanceof TryHeartbeat)
            {
                // the secondary never activates before the lease it granted + the margin; a shorter delay would only
                // pretend to be quicker, so it is a configuration error rather than a silent wait
                final long delayMs = ((TryHeartbeat)activation).delayMs();
                final long leaseAndMarginMs = replication.leaseMs() + replication.leaseMarginMs();
                if (delayMs < leaseAndMarginMs)
                {
                    throw new ConfigException("activation.!TryHeartbeat.delayMs: " + delayMs + " is below " +
                        "replication.leaseMs + replication.leaseMarginMs = " + replication.leaseMs() + " + " +
                        replication.leaseMarginMs() + " = " + leaseAndMarginMs + "; use delayMs >= " +
                        leaseAndMarginMs + " or grant a shorter lease");
                }
            }
        }
        return this;
    }

    public Role role()
    {
        return role;
    }

    public NodeConfig role(final Role role)
    {
        this.role = role;
        return this;
    }

    /** The node's id in the replication handshake; defaults to 1 for a PRIMARY and 2 for a SECONDARY. */
    public int nodeId()
    {
        return nodeId;
    }

    public NodeConfig nodeId(final int nodeId)
    {
        this.nodeId = nodeId;
        return this;
    }

    /** The journal's context (the journal module's own): every key of {@link JournalContext#CONFIG}. */
    public JournalContext journal()
    {
        return journal;
    }

    public NodeConfig journal(final JournalContext journal)
    {
        this.journal = journal;
        return this;
    }

    /** The {@code replication} section, or null when the node does not replicate. */
    public ReplicationConfig replication()
    {
        return replication;
    }

    public NodeConfig replication(final ReplicationConfig replication)
    {
        this.replication = replication;
        return this;
    }

    public FixConfig fix()
    {
        return fix;
    }

    public NodeConfig fix(final FixConfig fix)
    {
        this.fix = fix;
        return this;
    }

    /** {@code echo} or the class name of a user's application. */
    public String application()
    {
        return application;
    }

    public NodeConfig application(final String application)
    {
        this.application = application;
        return this;
    }

    public AdminConfig admin()
    {
        return admin;
    }

    public NodeConfig admin(final AdminConfig admin)
    {
        this.admin = admin;
        return this;
    }

    public ActivationMode activation()
    {
        return activation;
    }

    public NodeConfig activation(final ActivationMode activation)
    {
        this.activation = activation;
        return this;
    }

    /** What the node does once it has failed while running; default {@link FailurePolicy#EXIT}. */
    public FailurePolicy onFailure()
    {
        return onFailure;
    }

    public NodeConfig onFailure(final FailurePolicy onFailure)
    {
        this.onFailure = onFailure;
        return this;
    }

    /**
     * Whether the node asks the JVM for one full collection ({@code System.gc()}) at the end of its start, before it
     * says READY (default true). What starting leaves behind (the configuration read, Chronicle's and the agents'
     * set-up) is otherwise still in the young generation when the first young collection comes, and that first
     * collection copies it while it pauses every thread: on the build machine, 25-37 ms under the demo's serial
     * collector, landing in the first switchover of a process. Collected at start, the garbage costs its pause
     * before any counterparty is served, and later young collections copy only what lives then. An application
     * that embeds a node in a JVM whose heap already holds much live data, where a full collection takes long, sets
     * it false. A JVM started with {@code -XX:+DisableExplicitGC} ignores the request.
     */
    public boolean gcAtStart()
    {
        return gcAtStart;
    }

    public NodeConfig gcAtStart(final boolean gcAtStart)
    {
        this.gcAtStart = gcAtStart;
        return this;
    }

    /** The threading profile (threading: SHARED | BALANCED | LOW_LATENCY | BACKOFF); default SHARED. */
    public ThreadingProfile threading()
    {
        return threading;
    }

    public NodeConfig threading(final ThreadingProfile threading)
    {
        this.threading = threading;
        return this;
    }

    /** What answers a request, for recovery (recovery: { inboundTag, outboundTag, inboundMsgTypes, scanEntries }). */
    public Correlation recovery()
    {
        return recovery;
    }

    public NodeConfig recovery(final Correlation recovery)
    {
        this.recovery = recovery;
        return this;
    }

    /** The other node's admin address ({@code host:port}), used to exchange epochs; null when not set. */
    public String peerAdmin()
    {
        return peerAdmin;
    }

    public NodeConfig peerAdmin(final String peerAdmin)
    {
        this.peerAdmin = peerAdmin;
        return this;
    }

    /**
     * How often a Hot node asks its peer ({@link #peerAdmin()}) whether it claims Hot too ({@link DualPrimaryCheck}),
     * in milliseconds; 0 checks only at start-up. Default {@link #DEFAULT_PEER_CHECK_INTERVAL_MS}.
     */
    public long peerCheckIntervalMs()
    {
        return peerCheckIntervalMs;
    }

    public NodeConfig peerCheckIntervalMs(final long peerCheckIntervalMs)
    {
        this.peerCheckIntervalMs = peerCheckIntervalMs;
        return this;
    }

    @Override
    public String toString()
    {
        return "NodeConfig{role=" + role + ", nodeId=" + nodeId + ", journal=" + journal + ", replication=" +
            replication + ", fix=" + fix + ", application=" + application + ", admin=" + admin + ", activation=" +
            activation + ", peerAdmin=" + peerAdmin +
            ", peerCheckIntervalMs=" + peerCheckIntervalMs + ", onFailure=" + onFailure +
            ", threading=" + threading + ", gcAtStart=" + gcAtStart + "}";
    }

    /** A short name for logs: {@code node-1}. */
    public String name()
    {
        return "node-" + nodeId;
    }
}
