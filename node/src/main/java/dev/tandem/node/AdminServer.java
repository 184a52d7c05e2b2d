package dev.tandem.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tandem.failover.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP API, on the JDK's built-in server:
 * <ul>
 *   <li>{@code GET /service/activationmode}: {@code {"mode":"Warm","name":"TryHeartbeat"}}</li>
 *   <li>{@code PUT /service/activationmode/hot}: activates a Warm node; answers with the new mode (200), or 409
 *       with the reason when the node may not turn Hot (Stale)</li>
 *   <li>{@code GET /service/state}: node id, role, mode, epoch and reason: what peers read to fence each other</li>
 *   <li>{@code GET /health}: 200 while the node is Hot or Warm, 503 when Stale, Failed or stopping</li>
 *   <li>{@code GET /metrics}: Prometheus text format</li>
 * </ul>
 * Threading: requests are served on one daemon thread of the server's own; {@link NodeStatus} is thread safe.
 */
public final class AdminServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    /** How long a PUT .../hot waits for the activation to finish before answering. */
    static final long ACTIVATION_WAIT_MS = 10_000;

    private final HttpServer server;
    private final ExecutorService executor;
    private final NodeStatus node;

    private AdminServer(final HttpServer server, final ExecutorService executor, final NodeStatus node)
    {
        this.server = server;
        this.executor = executor;
        this.node = node;
    }

    /** Binds {@code listen} ({@code host:port}, port 0 for any free port) and starts serving. */
    public static AdminServer start(final String listen, final NodeStatus node)
    {
        final InetSocketAddress parsed = Addresses.parse("admin.listen", listen, true);
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
        final ExecutorService executor = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "tandem-admin");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        final AdminServer admin = new AdminServer(server, executor, node);
        server.createContext("/", admin::handle);
        server.start();
        return admin;
    }

    /** The bound address, with the real port when 0 was asked for. */
    public InetSocketAddress address()
    {
        return server.getAddress();
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try
        {
            final String method = exchange.getRequestMethod();
            final String path = exchange.getRequestURI().getPath();
            switch (path)
            {
                case "/service/activationmode":
                    if (expect(exchange, method, "GET"))
                    {
                        reply(exchange, 200, "application/json", activationJson());
                    }
                    break;
                case "/service/activationmode/hot":
                    if ("POST".equals(method) || expect(exchange, method, "PUT"))
                    {
                        final NodeMode mode = node.activate("admin API " + method + " " + path, ACTIVATION_WAIT_MS);
                        reply(exchange, mode == NodeMode.Hot ? 200 : 409, "application/json", activationJson());
                    }
                    break;
                case "/service/state":
                    if (expect(exchange, method, "GET"))
                    {
                        reply(exchange, 200, "application/json", stateJson());
                    }
                    break;
                case "/health":
                    if (expect(exchange, method, "GET"))
                    {
                        final NodeMode mode = node.mode();
                        final boolean up = mode == NodeMode.Hot || mode == NodeMode.Warm;
                        reply(exchange, up ? 200 : 503, "application/json",
                            "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"mode\":\"" + mode + "\",\"reason\":" +
                            quote(node.reason()) + "}");
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
        return "{\"nodeId\":" + node.nodeId() + ",\"role\":\"" + node.role() + "\",\"mode\":\"" + node.mode() +
            "\",\"epoch\":" + node.epoch() + ",\"position\":" + node.journalPosition() + ",\"activation\":\"" + node.activationName() + "\",\"reason\":" +
            quote(node.reason()) + "}";
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
