package dev.tandem.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tandem.journal.LogRateLimiter;
import dev.tandem.journal.config.HostPort;
import dev.tandem.replication.WhenLeaseExpired;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP API, on the JDK's built-in server:
 * <ul>
 *   <li>{@code GET /service/activationmode}: {@code {"mode":"Warm","name":"TryHeartbeat"}}</li>
 *   <li>{@code PUT /service/activationmode/hot} (token required): makes a Warm node Hot, never blindly: while it
 *       streams from its primary (alive and reachable) it performs a planned switchover ({@code "outcome":
 *       "switchover"}); otherwise it activates directly only when the primary is unreachable (refused or timed out on
 *       its replication and admin addresses): 200 with the new mode and {@code "outcome":"activated"}; 409 when the
 *       primary is alive but not streaming ({@code "outcome":"primary-alive"}), or the node may not turn Hot</li>
 *   <li>{@code PUT /service/switchover[?timeoutMs=5000]} (token required), on either node: the planned switchover
 *       ({@link PlannedSwitchover}); 200 {@code "outcome":"switchover"}, 409 {@code "aborted"} or {@code "refused"}
 *       with why</li>
 *   <li>{@code PUT /service/rejoin} (token required): a node left Stale because its primary refused its journal as
 *       diverged ({@code replication.onDivergence: STOP}) sets the journal aside as {@code SET_ASIDE} would and turns
 *       Warm, catching up from its primary: 200 {@code "outcome":"rejoined"} with {@code "setAside"}; 409
 *       {@code "refused"} with why on any other node (Hot, Warm, Stale for another reason)</li>
 *   <li>{@code GET /service/state[?nonce=<32 hex>]}: node id, role, mode, epoch and reason: what peers read to fence
 *       each other, at start-up and, while Hot, every {@code peerCheckIntervalMs} ({@link DualPrimaryCheck}); asked
 *       with a nonce, a node that replicates adds {@code "proof"}, the {@link StateProof} of its answer with the
 *       replication secret (a nonce that is not 32 hex characters: 400)</li>
 *   <li>{@code GET /service/whenleaseexpired}: {@code {"whenLeaseExpired":"HOLD"}} on a Hot node that replicates,
 *       409 otherwise</li>
 *   <li>{@code PUT /service/whenleaseexpired/hold} and {@code PUT /service/whenleaseexpired/release_unprotected}
 *       (token required): what unacknowledged messages do once the secondary's lease has expired (see the
 *       replication README); the operator's switch when the secondary is known dead. 200 with the choice in force, 409 when the node has no
 *       replication source</li>
 *   <li>{@code GET /health}: 200 while the node is Hot or Warm ({@code "status":"UP"}, or {@code "DEGRADED"} with
 *       the reason when the replica lags beyond the thresholds or messages wait for an expired lease or a full loss
 *       window), 503 when Stale, Failed or stopping</li>
 *   <li>{@code GET /metrics}: Prometheus text format</li>
 * </ul>
 * Every state-changing call is a PUT (POST gets 405) carrying {@code Authorization: Bearer <token>}; a request with an
 * {@code Origin} header other than the API's own origin is refused (403), so a web page in an operator's browser
 * cannot drive it. Requests are served by {@link #WORKERS} threads, and a request that is not read within
 * {@link #MAX_REQUEST_SECONDS} is dropped, so one slow client cannot block {@code /health} or an activation.
 * <p>
 * Threading: requests are served on the server's own daemon threads; {@link NodeStatus} is thread safe.
 */
public final class AdminServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final String BEARER = "Bearer ";
    /** How long a PUT .../hot waits for the activation to finish before answering. */
    static final long ACTIVATION_WAIT_MS = 10_000;
    /** How long a PUT /service/rejoin waits for the set-aside (a directory rename and a fresh journal). */
    static final long REJOIN_WAIT_MS = 10_000;
    /** How long the start-up's own request ({@link #warmUp()}) may take to connect, and then to be answered. */
    private static final int WARM_UP_TIMEOUT_MS = 1_000;
    /** The most of that answer read: a health answer is a few hundred bytes. */
    private static final int WARM_UP_MAX_ANSWER_BYTES = 16 * 1024;
    /** Worker threads: a slow or stuck client holds one; /health, /metrics and activation still have the others. */
    static final int WORKERS = 4;
    /**
     * Seconds a client may take to send its request (and to read the answer) before the JDK server drops it: far more
     * than any script needs, short enough that slow clients do not pile up.
     */
    static final int MAX_REQUEST_SECONDS = 10;
    /** How long the check of the primary waits per address before calling it unreachable. */
    static final int REACHABILITY_TIMEOUT_MS = 1_000;

    static
    {
        // read once by the JDK's server when its first instance starts; a value the user set on the command line wins
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null)
        {
            System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQUEST_SECONDS));
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null)
        {
            System.setProperty("sun.net.httpserver.maxRspTime", String.valueOf(MAX_REQUEST_SECONDS));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final NodeStatus node;
    private final byte[] token;
    /** Proves answers to {@code /service/state?nonce=...}; null on a node without a replication secret. */
    private final StateProof stateProof;
    private final String ownOrigin;
    /** Refused calls log at most this often: a script hammering with a wrong token must not fill the disk. */
    private final LogRateLimiter refusalLog = new LogRateLimiter(10, TimeUnit.MINUTES.toNanos(1));

    private AdminServer(
        final HttpServer server,
        final ExecutorService executor,
        final NodeStatus node,
        final byte[] token,
        final StateProof stateProof)
    {
        this.server = server;
        this.executor = executor;
        this.node = node;
        this.token = token;
        this.stateProof = stateProof;
        this.ownOrigin = "http://" + hostPort(server.getAddress());
    }

    /**
     * Binds {@code listen} ({@code host:port}, port 0 for any free port) and starts serving, with no token: every
     * state-changing call is refused (403).
     */
    public static AdminServer start(final String listen, final NodeStatus node)
    {
        final AdminConfig config = new AdminConfig().listen(listen);
        config.validate();
        return start(config, node);
    }

    /** Binds {@code config.listen()} and starts serving; state-changing calls need the config's token. */
    public static AdminServer start(final AdminConfig config, final NodeStatus node)
    {
        return start(config, node, null);
    }

    /**
     * As {@link #start(AdminConfig, NodeStatus)}, proving answers to {@code /service/state?nonce=...} with
     * {@code stateProof} (null: answers carry no proof).
     */
    static AdminServer start(final AdminConfig config, final NodeStatus node, final StateProof stateProof)
    {
        final String listen = config.listen();
        final InetSocketAddress parsed = HostPort.parse("admin.listen", listen, true);
        final InetSocketAddress address = new InetSocketAddress(parsed.getHostString(), parsed.getPort());
        final HttpServer server;
        try
        {
            server = HttpServer.create(address, 16);
        }
        catch (final IOException ex)
        {
            throw new ConfigException("admin.listen: cannot listen on '" + listen + "': " + ex.getMessage(), ex);
        }
        final AtomicInteger threads = new AtomicInteger();
        final ExecutorService executor = Executors.newFixedThreadPool(WORKERS, runnable ->
        {
            final Thread thread = new Thread(runnable, "tandem-admin-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        final byte[] token = config.token();
        final AdminServer admin = new AdminServer(server, executor, node, token, stateProof);
        server.createContext("/", admin::handle);
        server.start();
        final InetSocketAddress bound = server.getAddress();
        LOG.info("Admin API listening on {}", hostPort(bound));
        if (!bound.getAddress().isLoopbackAddress())
        {
            LOG.warn("Admin API listens on {}, which is not a loopback address: anyone who can reach it can read " +
                "the node's state and metrics{}", hostPort(bound),
                token == null ? "" : "; state-changing calls still need the token");
        }
        if (token == null)
        {
            LOG.warn("Admin API has no token (admin.tokenFile or admin.tokenEnv): state-changing calls are refused");
        }
        return admin;
    }

    /** {@code host:port} of the bound address, as printed in the READY line. */
    static String hostPort(final InetSocketAddress address)
    {
        final String host = address.getAddress() == null ? address.getHostString() :
            address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** The bound address, with the real port when 0 was asked for. */
    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    /**
     * Asks this server for {@code GET /health} once, from this process over loopback when it listens on every
     * address, and reads the whole answer. The HTTP server's first exchange loads and links its classes and its first
     * {@code Date} header loads the time-zone names: about 100 ms of one core on the build machine. A node calls this
     * before it says READY, so that cost is not paid by the first request that matters (a switchover asked of it, or
     * a peer's state query while the peer activates), beside a switchover on the same host. Any failure is logged at
     * DEBUG and otherwise ignored: the request itself is harmless and changes nothing.
     *
     * @return the answer's status code, or -1 when there was none.
     */
    int warmUp()
    {
        final InetSocketAddress bound = server.getAddress();
        final java.net.InetAddress host = bound.getAddress().isAnyLocalAddress() ?
            java.net.InetAddress.getLoopbackAddress() : bound.getAddress();
        try (java.net.Socket socket = new java.net.Socket())
        {
            socket.connect(new InetSocketAddress(host, bound.getPort()), WARM_UP_TIMEOUT_MS);
            socket.setSoTimeout(WARM_UP_TIMEOUT_MS);
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: " + hostPort(bound) +
                "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final byte[] answer = socket.getInputStream().readNBytes(WARM_UP_MAX_ANSWER_BYTES);
            final String head = new String(answer, 0, Math.min(answer.length, 12), StandardCharsets.US_ASCII);
            // "HTTP/1.1 200"
            return head.length() == 12 && head.startsWith("HTTP/1.1 ") ? Integer.parseInt(head.substring(9)) : -1;
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.debug("Admin API warm-up request failed: {}", ex.toString());
            return -1;
        }
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try
        {
            final String method = exchange.getRequestMethod();
            final String path = exchange.getRequestURI().getPath();
            final String origin = exchange.getRequestHeaders().getFirst("Origin");
            if (origin != null && !origin.equals(ownOrigin))
            {
                reply(exchange, 403, "application/json", "{\"error\":\"cross-origin request refused\"}");
                return;
            }
            switch (path)
            {
                case "/service/activationmode":
                    if (expect(exchange, method, "GET"))
                    {
                        reply(exchange, 200, "application/json", activationJson());
                    }
                    break;
                case "/service/activationmode/hot":
                    if (expect(exchange, method, "PUT") && authorized(exchange))
                    {
                        activate(exchange, method + " " + path);
                    }
                    break;
                case "/service/switchover":
                    if (expect(exchange, method, "PUT") && authorized(exchange))
                    {
                        switchover(exchange, timeoutMs(exchange));
                    }
                    break;
                case "/service/rejoin":
                    if (expect(exchange, method, "PUT") && authorized(exchange))
                    {
                        rejoin(exchange);
                    }
                    break;
                case "/service/state":
                    if (expect(exchange, method, "GET"))
                    {
                        final String nonce = queryParameter(exchange, "nonce");
                        if (nonce != null && !StateProof.isNonce(nonce))
                        {
                            reply(exchange, 400, "application/json", "{\"error\":\"nonce: expected " +
                                StateProof.NONCE_HEX_LENGTH + " hex characters\"}");
                        }
                        else
                        {
                            reply(exchange, 200, "application/json", stateJson(nonce));
                        }
                    }
                    break;
                case "/service/whenleaseexpired":
                    if (expect(exchange, method, "GET"))
                    {
                        whenLeaseExpired(exchange, null);
                    }
                    break;
                case "/service/whenleaseexpired/hold":
                    if (expect(exchange, method, "PUT") && authorized(exchange))
                    {
                        whenLeaseExpired(exchange, WhenLeaseExpired.HOLD);
                    }
                    break;
                case "/service/whenleaseexpired/release_unprotected":
                    if (expect(exchange, method, "PUT") && authorized(exchange))
                    {
                        whenLeaseExpired(exchange, WhenLeaseExpired.RELEASE_UNPROTECTED);
                    }
                    break;
                case "/health":
                    if (expect(exchange, method, "GET"))
                    {
                        final NodeMode mode = node.mode();
                        final boolean up = mode == NodeMode.Hot || mode == NodeMode.Warm;
                        final String degraded = up ? node.degraded() : "";
                        reply(exchange, up ? 200 : 503, "application/json",
                            "{\"status\":\"" + (up ? (degraded.isEmpty() ? "UP" : "DEGRADED") : "DOWN") +
                            "\",\"mode\":\"" + mode + "\",\"reason\":" + quote(node.reason()) +
                            (degraded.isEmpty() ? "" : ",\"degraded\":" + quote(degraded)) + "}");
                    }
                    break;
                case "/metrics":
                    if (expect(exchange, method, "GET"))
                    {
                        final StringBuilder out = new StringBuilder(4096);
                        node.writeMetrics(out);
                        reply(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", out.toString());
                    }
                    break;
                default:
                    reply(exchange, 404, "application/json", "{\"error\":\"no such resource: " + path + "\"}");
                    break;
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("admin request failed", ex);
            reply(exchange, 500, "application/json", "{\"error\":" + quote(ex.toString()) + "}");
        }
        finally
        {
            exchange.close();
        }
    }

    /**
     * Activation as an operator scripts it: a Warm node first checks its primary; alive and streaming to this node,
     * it performs the planned switchover; alive but not streaming, it refuses (409); unreachable, it activates.
     */
    private void activate(final HttpExchange exchange, final String request) throws IOException
    {
        String outcome = "activated";
        String why = "admin API " + request;
        if (node.mode() == NodeMode.Warm && !node.primaryAddresses().isEmpty())
        {
            final ReachabilityCheck.Result primary =
                ReachabilityCheck.check(node.primaryAddresses(), REACHABILITY_TIMEOUT_MS);
            if (primary.alive() && node.switchoverPossible())
            {
                // alive, reachable and streaming to us: never activate blindly, switch over
                switchover(exchange, PlannedSwitchover.DEFAULT_TIMEOUT_MS);
                return;
            }
            if (primary.alive())
            {
                LOG.warn("Admin API: activation refused: the primary at {} is alive", primary.address());
                reply(exchange, 409, "application/json", "{\"mode\":\"" + node.mode() +
                    "\",\"outcome\":\"primary-alive\",\"error\":" + quote("the primary at " + primary.address() +
                    " is alive (" + primary.detail() + ") but this node is not streaming from it, so a planned " +
                    "switchover cannot run: restore the replication link and try again, or stop the primary (or " +
                    "cut it off) first, then activate") + "}");
                return;
            }
            why = why + ": primary unreachable (" + primary.detail() + ")";
        }
        else if (node.mode() != NodeMode.Warm)
        {
            outcome = "unchanged";
        }
        final NodeMode mode = node.activate(why, ACTIVATION_WAIT_MS);
        if (mode != NodeMode.Hot)
        {
            outcome = "refused";
        }
        final String json = activationJson();
        reply(exchange, mode == NodeMode.Hot ? 200 : 409, "application/json",
            json.substring(0, json.length() - 1) + ",\"outcome\":\"" + outcome + "\",\"why\":" + quote(why) + "}");
    }

    /**
     * A planned switchover, on either node: 200 with {@code "outcome":"switchover"} once the Hot role has moved (the
     * old primary answers when it follows, the new one when it is Hot), 409 with {@code "aborted"} or
     * {@code "refused"} and why.
     */
    private void switchover(final HttpExchange exchange, final long timeoutMs) throws IOException
    {
        if (timeoutMs < 1 || timeoutMs > PlannedSwitchover.MAX_TIMEOUT_MS)
        {
            reply(exchange, 400, "application/json", "{\"error\":" + quote("timeoutMs: " + timeoutMs +
                " is out of range, expected 1.." + PlannedSwitchover.MAX_TIMEOUT_MS) + "}");
            return;
        }
        LOG.warn("Admin API: planned switchover asked on a {} node (timeout {} ms)", node.mode(), timeoutMs);
        final SwitchoverOutcome result = node.switchover(timeoutMs);
        final String json = activationJson();
        reply(exchange, result.switched() ? 200 : 409, "application/json",
            json.substring(0, json.length() - 1) + ",\"outcome\":\"" + result.outcome() + "\",\"why\":" +
            quote(result.detail()) + "}");
    }

    /**
     * An operator's rejoin of a node left Stale by a diverged journal: 200 {@code "outcome":"rejoined"} with where the
     * journal went, once it is set aside and the node is Warm (it catches up afterwards); 409 {@code "refused"} with
     * why; 500 {@code "failed"} (the journal could not be moved) or {@code "unknown"}.
     */
    private void rejoin(final HttpExchange exchange) throws IOException
    {
        LOG.warn("Admin API: rejoin asked from {} on a {} node", exchange.getRemoteAddress(), node.mode());
        final RejoinOutcome result = node.rejoin("admin API PUT /service/rejoin from " + exchange.getRemoteAddress(),
            REJOIN_WAIT_MS);
        final String json = activationJson();
        final int status = result.rejoined() ? 200 : "refused".equals(result.outcome()) ? 409 : 500;
        reply(exchange, status, "application/json", json.substring(0, json.length() - 1) + ",\"outcome\":\"" +
            result.outcome() + "\"" + (result.rejoined() ? ",\"setAside\":" + quote(result.setAside()) : "") +
            ",\"why\":" + quote(result.detail()) + "}");
    }

    /** The {@code timeoutMs} query parameter, the default without one, -1 when it is not a number. */
    private static long timeoutMs(final HttpExchange exchange)
    {
        final String value = queryParameter(exchange, "timeoutMs");
        if (value == null)
        {
            return PlannedSwitchover.DEFAULT_TIMEOUT_MS;
        }
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /** The raw value of the first {@code name=} query parameter, or null when there is none. */
    private static String queryParameter(final HttpExchange exchange, final String name)
    {
        final String query = exchange.getRequestURI().getRawQuery();
        if (query == null)
        {
            return null;
        }
        final String prefix = name + "=";
        for (final String pair : query.split("&"))
        {
            if (pair.startsWith(prefix))
            {
                return pair.substring(prefix.length());
            }
        }
        return null;
    }

    /** True when the request carries the token; otherwise answers 401 (or 403 without a configured token). */
    private boolean authorized(final HttpExchange exchange) throws IOException
    {
        if (token == null)
        {
            reply(exchange, 403, "application/json", "{\"error\":\"no admin token is configured " +
                "(admin.tokenFile or admin.tokenEnv): state-changing calls are disabled\"}");
            return false;
        }
        final String header = exchange.getRequestHeaders().getFirst("Authorization");
        final byte[] presented = header != null && header.startsWith(BEARER) ?
            header.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(token, presented))
        {
            synchronized (refusalLog)
            {
                if (refusalLog.tryAcquire(System.nanoTime()))
                {
                    LOG.warn("Admin API: {} {} from {} refused: missing or wrong token ({} similar suppressed)",
                        exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRemoteAddress(),
                        refusalLog.takeSuppressed());
                }
            }
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            reply(exchange, 401, "application/json", "{\"error\":\"missing or wrong token\"}");
            return false;
        }
        return true;
    }

    private void whenLeaseExpired(final HttpExchange exchange, final WhenLeaseExpired choice) throws IOException
    {
        try
        {
            final WhenLeaseExpired inForce = node.whenLeaseExpired(choice);
            reply(exchange, 200, "application/json", "{\"whenLeaseExpired\":\"" + inForce + "\"}");
        }
        catch (final IllegalStateException ex)
        {
            reply(exchange, 409, "application/json", "{\"error\":" + quote(ex.getMessage()) + "}");
        }
    }

    private static boolean expect(final HttpExchange exchange, final String method, final String expected)
        throws IOException
    {
        if (expected.equals(method))
        {
            return true;
        }
        exchange.getResponseHeaders().add("Allow", expected);
        reply(exchange, 405, "application/json", "{\"error\":\"use " + expected + "\"}");
        return false;
    }

    String activationJson()
    {
        final String reason = node.reason();
        return "{\"mode\":\"" + node.mode() + "\",\"name\":\"" + node.activationName() + "\"" +
            (reason.isEmpty() ? "" : ",\"reason\":" + quote(reason)) + "}";
    }

    String stateJson()
    {
        return stateJson(null);
    }

    /**
     * The state; with a {@code nonce} (checked by {@link StateProof#isNonce}) and a secret, also the proof of exactly
     * the nodeId, mode and epoch written, each read once.
     */
    String stateJson(final String nonce)
    {
        final int nodeId = node.nodeId();
        final NodeMode mode = node.mode();
        final long epoch = node.epoch();
        return "{\"nodeId\":" + nodeId + ",\"role\":\"" + node.role() + "\",\"mode\":\"" + mode +
            "\",\"epoch\":" + epoch + ",\"position\":" + node.journalPosition() + ",\"activation\":\"" +
            node.activationName() + "\",\"reason\":" + quote(node.reason()) +
            (nonce == null || stateProof == null ? "" :
            ",\"proof\":\"" + stateProof.prove(nonce, nodeId, mode, epoch) + "\"") + "}";
    }

    static String quote(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                out.append('\\').append(c);
            }
            else if (c < ' ')
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static void reply(final HttpExchange exchange, final int status, final String type, final String body)
        throws IOException
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }

    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
        try
        {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while stopping the admin server", ex));
        }
    }
}
