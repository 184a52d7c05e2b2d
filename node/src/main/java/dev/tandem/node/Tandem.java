package dev.tandem.node;

import org.agrona.concurrent.AgentInvoker;

/**
 * The one entry point of an application that embeds Tandem: launches a node (its journal, its end of replication,
 * its FIX acceptor when Hot, its admin API) from a {@link TandemContext}, and gives the application
 * {@link SessionHandle}s to send from any thread.
 * <pre>{@code
 * try (Tandem tandem = Tandem.launch(TandemContext.load(Path.of("primary.yaml")).application(gateway)))
 * {
 *     SessionHandle session = tandem.session("ISLD", "TW");   // keep it; send from any thread
 * }
 * }</pre>
 * The standalone node ({@code ./tandem node --config primary.yaml}) is this class plus a YAML file.
 * <p>
 * Threading: {@link #launch} and {@link #close()} on one thread; {@link #session} and {@link #node()}'s status methods
 * from any thread; under {@link ThreadingMode#INVOKER}, {@link #invoker()}{@code .invoke()} from the application's
 * one duty-cycle thread (and {@link #close()} from that thread too, or once it no longer invokes).
 */
public final class Tandem implements AutoCloseable
{
    private final Node node;

    private Tandem(final Node node)
    {
        this.node = node;
    }

    /**
     * Concludes the context and starts the node: Hot for a PRIMARY, Warm for a SECONDARY.
     *
     * @throws ConfigException for a bad setting, or when the node may not start (another primary holds the same
     *                         epoch, the lock is held, a port is taken).
     */
    public static Tandem launch(final TandemContext context)
    {
        return new Tandem(Node.launch(context.conclude()));
    }

    /** The node: its mode, epoch, ports, activation. */
    public Node node()
    {
        return node;
    }

    /**
     * The handle of the session with these CompIDs (as configured in {@code fix.sessions}); the same handle for the
     * node's whole life. Any thread.
     *
     * @throws IllegalArgumentException when no such session is configured.
     */
    public SessionHandle session(final String senderCompId, final String targetCompId)
    {
        return node.sessionHandles().handle(senderCompId, targetCompId);
    }

    /**
     * The invoker that runs one duty cycle of all the node's agents per {@code invoke()}, under
     * {@link ThreadingMode#INVOKER}: call it from the application's loop and idle as you like when it returns 0.
     *
     * @throws IllegalStateException under another threading mode.
     */
    public AgentInvoker invoker()
    {
        return node.agentHost().invoker();
    }

    /** Stops the node: its agents, ports, journal. */
    @Override
    public void close()
    {
        node.close();
    }
}
