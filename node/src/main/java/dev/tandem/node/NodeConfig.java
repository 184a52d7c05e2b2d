package dev.tandem.node;

import dev.tandem.failover.Addresses;
import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
 * Reading is strict: an unknown key, a bad number, a bad address, a missing secret or a missing section fails at
 * start-up with a {@link ConfigException} naming the key and the value.
 * <p>
 * Threading: read and validated on the start-up thread; immutable afterwards.
 */
public final class NodeConfig extends SelfDescribingMarshallable implements StrictYaml.StrictlyRead
{
    /** The built-in application: sends every application message back to its sender. */
    public static final String ECHO = "echo";

    private static final List<String> KEYS = List.of(
        "role", "nodeId", "journal", "replication", "fix", "application", "admin", "activation", "peerAdmin",
        "onFailure", "threading", "recovery");

    static
    {
        ClassAliasPool.CLASS_ALIASES.addAlias(NodeConfig.class, "NodeConfig");
        ClassAliasPool.CLASS_ALIASES.addAlias(TryHeartbeat.class, "TryHeartbeat");
        ClassAliasPool.CLASS_ALIASES.addAlias(TryLock.class, "TryLock");
        ClassAliasPool.CLASS_ALIASES.addAlias(Manual.class, "Manual");
    }

    private Role role;
    private int nodeId;
    private JournalConfig journal;
    private ReplicationConfig replication;
    private FixConfig fix;
    private String application = ECHO;
    private AdminConfig admin = new AdminConfig();
    private ActivationMode activation = new Manual();
    private String peerAdmin;
    private FailurePolicy onFailure = FailurePolicy.EXIT;
    private ThreadingProfile threading = ThreadingProfile.BALANCED;
    private Correlation recovery = Correlation.CL_ORD_ID_DEFAULT;

    /** Reads and validates a config file. */
    public static NodeConfig load(final Path file)
    {
        final String yaml;
        try
        {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ConfigException("--config: cannot read '" + file + "': " + ex.getMessage(), ex);
        }
        return fromYaml(yaml);
    }

    /** Reads and validates YAML text, with or without the leading {@code !NodeConfig} tag. */
    public static NodeConfig fromYaml(final String yaml)
    {
        final String body = yaml.strip().startsWith("!NodeConfig") ?
            yaml.strip().substring("!NodeConfig".length()) : yaml;
        final NodeConfig config;
        try
        {
            config = WireType.YAML_ONLY.fromString(NodeConfig.class, body);
        }
        catch (final ConfigException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            throw new ConfigException("config: not valid YAML (" + ex.getMessage() + ")", ex);
        }
        if (config == null)
        {
            throw new ConfigException("config: empty");
        }
        config.validate();
        return config;
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        StrictYaml.readKeys(wire, "config", KEYS, (key, in) ->
        {
            switch (key)
            {
                case "role":
                    role = StrictYaml.enumValue("role", in, Role.class);
                    break;
                case "nodeId":
                    nodeId = (int)StrictYaml.longValue("nodeId", in, 1, Integer.MAX_VALUE);
                    break;
                case "journal":
                    journal = in.object(JournalConfig.class);
                    break;
                case "replication":
                    replication = in.object(ReplicationConfig.class);
                    break;
                case "fix":
                    fix = in.object(FixConfig.class);
                    break;
                case "application":
                    application = StrictYaml.text("application", in);
                    break;
                case "admin":
                    admin = in.object(AdminConfig.class);
                    break;
                case "activation":
                    activation = StrictYaml.tagged("activation", wire, in, ActivationMode.class,
                        "!TryHeartbeat { delayMs: 500 }, !TryLock { file: /shared/tandem.lock } or !Manual { }");
                    break;
                case "onFailure":
                    onFailure = StrictYaml.enumValue("onFailure", in, FailurePolicy.class);
                    break;
                case "threading":
                    threading = StrictYaml.enumValue("threading", in, ThreadingProfile.class);
                    break;
                case "recovery":
                    recovery = in.object(RecoveryConfig.class).correlation();
                    break;
                default:
                    peerAdmin = StrictYaml.text("peerAdmin", in);
                    break;
            }
        });
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
        journal.validate();
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
                Addresses.parse("peerAdmin", peerAdmin, false);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException(ex.getMessage(), ex);
            }
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

    public JournalConfig journal()
    {
        return journal;
    }

    public NodeConfig journal(final JournalConfig journal)
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

    /** The other node's admin address ({@code host:port}), used to exchange epochs; null when not set. */
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

    /** The threading profile (threading: LOW_LATENCY | BALANCED | SHARED); default BALANCED. */
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

    public String peerAdmin()
    {
        return peerAdmin;
    }

    public NodeConfig peerAdmin(final String peerAdmin)
    {
        this.peerAdmin = peerAdmin;
        return this;
    }

    /** A short name for logs: {@code node-1}. */
    public String name()
    {
        return "node-" + nodeId;
    }
}
