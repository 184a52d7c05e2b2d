package dev.tandem.node;

import dev.tandem.fix.FixApplication;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything {@link Tandem#launch(TandemContext)} needs, set in code with fluent setters, or filled from a node's
 * YAML ({@link #fromYaml(String)}, {@link #load(Path)}) and then completed in code: the application and its
 * services are instances, never class names.
 * <pre>{@code
 * Tandem tandem = Tandem.launch(TandemContext.load(Path.of("primary.yaml"))
 *     .application(new Gateway(risk, ids))                 // an instance, with the app's own services inside
 *     .listener(roleListener)                               // typed events: Hot, Warm, Stale, replication ...
 *     .threadingProfile(ThreadingProfile.SHARED));          // or threadingMode(...) + idleStrategy(...)
 * }</pre>
 * <p>
 * {@link #conclude()} fills in the defaults and validates; {@link Tandem#launch} calls it. Not thread safe: build it
 * on one thread, then hand it to {@link Tandem#launch}, which owns it from then on.
 */
public final class TandemContext
{
    private NodeConfig node;
    private FixApplication application;
    private ErrorHandler errorHandler;
    private NodeListener listener;
    private ThreadFactory threadFactory;
    private ThreadingProfile threadingProfile;
    private ThreadingMode threadingMode;
    private Supplier<IdleStrategy> idleStrategy;
    private Consumer<String> eventLines;
    private RecoveryHandler recoveryHandler;
    private Correlation correlation;
    private boolean concluded;

    /** A context over a node's YAML text (the {@code !NodeConfig { ... }} of node/README.md), validated. */
    public static TandemContext fromYaml(final String yaml)
    {
        return new TandemContext().node(NodeConfig.fromYaml(yaml));
    }

    /** A context over a node's YAML file, validated. */
    public static TandemContext load(final Path file)
    {
        return new TandemContext().node(NodeConfig.load(file));
    }

    /** The node's settings: role, journal, replication, FIX sessions, admin, activation. Required. */
    public TandemContext node(final NodeConfig node)
    {
        this.node = node;
        return this;
    }

    public NodeConfig node()
    {
        return node;
    }

    /**
     * The application that answers every configured session. Default: the one named by the YAML's
     * {@code application:} (a class with a public no-argument constructor, or {@code echo} with tandem-cli).
     */
    public TandemContext application(final FixApplication application)
    {
        this.application = application;
        return this;
    }

    public FixApplication application()
    {
        return application;
    }

    /**
     * Receives every error of the node's agents (after the node logged it, and after a fatal one made the node
     * fail). Default: none beyond the node's own log. Called on the agent's thread: must not block.
     */
    public TandemContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /** Typed events of the node's life (see {@link NodeListener}). Default: none. */
    public TandemContext listener(final NodeListener listener)
    {
        this.listener = listener;
        return this;
    }

    public NodeListener listener()
    {
        return listener;
    }

    /** Creates the node's agent threads (not the admin HTTP workers). Default: plain non-daemon threads. */
    public TandemContext threadFactory(final ThreadFactory threadFactory)
    {
        this.threadFactory = threadFactory;
        return this;
    }

    public ThreadFactory threadFactory()
    {
        return threadFactory;
    }

    /**
     * A named threading mode and idle strategy (see {@link ThreadingProfile}). Default: the YAML's {@code threading}
     * key, itself {@link ThreadingProfile#SHARED} by default. {@link #threadingMode} and {@link #idleStrategy} set
     * in code override the profile's.
     */
    public TandemContext threadingProfile(final ThreadingProfile threadingProfile)
    {
        this.threadingProfile = threadingProfile;
        return this;
    }

    public ThreadingProfile threadingProfile()
    {
        return threadingProfile;
    }

    /** DEDICATED, SHARED or INVOKER; default the profile's. */
    public TandemContext threadingMode(final ThreadingMode threadingMode)
    {
        this.threadingMode = threadingMode;
        return this;
    }

    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    /**
     * The user's own idle strategy for the latency agents (the FIX engine, the replication source and sink; under
     * SHARED, the one thread): called once per thread, since idle strategies keep state. Default the profile's.
     */
    public TandemContext idleStrategy(final Supplier<IdleStrategy> idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    public Supplier<IdleStrategy> idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * Receives the node's one-line summary of each life event ({@code TANDEM READY ...}, {@code TANDEM HOT ...}), the
     * lines the command line prints. Default: none.
     */
    public TandemContext eventLines(final Consumer<String> eventLines)
    {
        this.eventLines = eventLines;
        return this;
    }

    public Consumer<String> eventLines()
    {
        return eventLines;
    }

    /**
     * Hands the application, after an activation or a restart on its own journal, the inbound application messages
     * that were journaled but never answered (see {@link RecoveryHandler}). Default: the application itself when it
     * implements {@link RecoveryHandler}, otherwise none.
     */
    public TandemContext recoveryHandler(final RecoveryHandler recoveryHandler)
    {
        this.recoveryHandler = recoveryHandler;
        return this;
    }

    public RecoveryHandler recoveryHandler()
    {
        return recoveryHandler;
    }

    /**
     * What answers an inbound message, for recovery (see {@link Correlation}). Default: the YAML's
     * {@code recovery:} section, itself {@link Correlation#CL_ORD_ID_DEFAULT} by default.
     */
    public TandemContext correlation(final Correlation correlation)
    {
        this.correlation = correlation;
        return this;
    }

    public Correlation correlation()
    {
        return correlation;
    }

    /**
     * Validates the node's settings and fills in the defaults (see each setter).
     *
     * @throws ConfigException naming the setting and the value.
     */
    public TandemContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (node == null)
        {
            throw new ConfigException("node: missing; set the node's settings, e.g. TandemContext.load(path) or " +
                "new TandemContext().node(NodeConfig.fromYaml(...))");
        }
        node.validate();
        if (application == null)
        {
            application = FixEndpoints.application(node.application());
        }
        if (recoveryHandler == null && application instanceof RecoveryHandler)
        {
            recoveryHandler = (RecoveryHandler)application;
        }
        if (errorHandler == null)
        {
            errorHandler = ex -> { };
        }
        if (listener == null)
        {
            listener = new NodeListener()
            {
            };
        }
        if (threadFactory == null)
        {
            threadFactory = Thread::new;
        }
        if (threadingProfile == null)
        {
            threadingProfile = node.threading();
        }
        if (threadingMode == null)
        {
            threadingMode = threadingProfile.mode();
        }
        if (idleStrategy == null)
        {
            idleStrategy = threadingProfile::newIdleStrategy;
        }
        if (correlation == null)
        {
            correlation = node.recovery();
        }
        if (eventLines == null)
        {
            eventLines = line -> { };
        }
        concluded = true;
        return this;
    }
}
