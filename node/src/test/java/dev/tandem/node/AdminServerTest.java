package dev.tandem.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tandem.test.Tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminServerTest
{
    private final AtomicReference<NodeMode> mode = new AtomicReference<>(NodeMode.Warm);
    private final AtomicReference<String> activatedBy = new AtomicReference<>();
    private final AtomicReference<List<String>> primary = new AtomicReference<>(List.of());
    private final AtomicReference<String> degraded = new AtomicReference<>("");
    private AdminServer server;

    private final NodeStatus status = new NodeStatus()
    {
        @Override
        public int nodeId()
        {
            return 2;
        }

        @Override
        public Role role()
        {
            return Role.SECONDARY;
        }

        @Override
        public NodeMode mode()
        {
            return mode.get();
        }

        @Override
        public long epoch()
        {
            return 3;
        }

        @Override
        public String activationName()
        {
            return "TryHeartbeat";
        }

        @Override
        public String reason()
        {
            return mode.get() == NodeMode.Stale ? "peer node-1 holds epoch 4" : "";
        }

        @Override
        public NodeMode activate(final String why, final long timeoutMs)
        {
            activatedBy.set(why);
            if (mode.get() == NodeMode.Warm)
            {
                mode.set(NodeMode.Hot);
            }
            return mode.get();
        }

        @Override
        public List<String> primaryAddresses()
        {
            return primary.get();
        }

        @Override
        public String degraded()
        {
            return degraded.get();
        }

        @Override
        public void writeMetrics(final StringBuilder out)
        {
            out.append("tandem_sessions_logged_on 0\n");
        }
    };

    @AfterEach
    void after()
    {
        if (server != null)
        {
            server.close();
        }
        if (dir != null)
        {
            Tests.deleteRecursively(dir);
        }
    }

    private static final String TOKEN = "an-admin-token-of-some-length";
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path dir;

    @Test
    void shouldAnswerTheActivationCallsUsersKnow() throws Exception
    {
        server = startWithToken();
        assertEquals("200 {\"mode\":\"Warm\",\"name\":\"TryHeartbeat\"}", call("GET", "/service/activationmode"));
        assertEquals("200 {\"status\":\"UP\",\"mode\":\"Warm\",\"reason\":\"\"}", call("GET", "/health"));
        assertEquals("405 {\"error\":\"use PUT\"}", call("GET", "/service/activationmode/hot"));
        assertEquals("200 {\"mode\":\"Hot\",\"name\":\"TryHeartbeat\",\"outcome\":\"activated\"," +
            "\"why\":\"admin API PUT /service/activationmode/hot\"}",
            call("PUT", "/service/activationmode/hot", TOKEN, null));
        assertTrue(activatedBy.get().contains("admin API"));
        assertEquals("200 {\"nodeId\":2,\"role\":\"SECONDARY\",\"mode\":\"Hot\",\"epoch\":3," +
            "\"position\":0,\"activation\":\"TryHeartbeat\",\"reason\":\"\"}", call("GET", "/service/state"));
        assertEquals("200 tandem_sessions_logged_on 0\n", call("GET", "/metrics"));
        assertTrue(call("GET", "/nope").startsWith("404"));
    }

    @Test
    void shouldRequireTheTokenPutOnlyAndOurOwnOrigin() throws Exception
    {
        server = startWithToken();
        final String hot = "/service/activationmode/hot";
        assertTrue(call("PUT", hot).startsWith("401 "), "no token");
        assertTrue(call("PUT", hot, "not-the-admin-token-at-all", null).startsWith("401 "), "wrong token");
        assertTrue(call("PUT", hot, TOKEN.substring(1), null).startsWith("401 "), "a prefix of the token");
        assertEquals("405 {\"error\":\"use PUT\"}", call("POST", hot, TOKEN, null));
        assertEquals("403 {\"error\":\"cross-origin request refused\"}",
            call("PUT", hot, TOKEN, "http://evil.example"));
        assertTrue(call("GET", "/metrics", null, "http://evil.example").startsWith("403 "));
        assertNull(activatedBy.get(), "nothing activated");
        assertEquals(NodeMode.Warm, mode.get());
        final String own = "http://" + AdminServer.hostPort(server.address());
        assertTrue(call("PUT", hot, TOKEN, own).startsWith("200 "), "same origin with the token is fine");
    }

    @Test
    void shouldAnswerItsOwnWarmUpRequestLikeAnyHealthCheck() throws Exception
    {
        server = AdminServer.start("127.0.0.1:0", status);
        assertEquals(200, server.warmUp(), "a Warm node is UP");
        mode.set(NodeMode.Stale);
        assertEquals(503, server.warmUp(), "a Stale node is DOWN");
        assertNull(activatedBy.get(), "nothing changed");
    }

    @Test
    void shouldRefuseEveryStateChangeWithoutAConfiguredToken() throws Exception
    {
        server = AdminServer.start("127.0.0.1:0", status);
        assertTrue(call("PUT", "/service/activationmode/hot", TOKEN, null).startsWith("403 "));
        assertNull(activatedBy.get());
        assertTrue(call("GET", "/health").startsWith("200 "));
    }

    @Test
    void shouldRefuseToActivateWhileThePrimaryIsAliveAndActivateOnceItIsUnreachable() throws Exception
    {
        server = startWithToken();
        final int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            closedPort = gone.getLocalPort();
        }
        final String replication;
        try (ServerSocket alive = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            replication = "127.0.0.1:" + alive.getLocalPort();
            primary.set(List.of(replication, "127.0.0.1:" + closedPort));
            final String refused = call("PUT", "/service/activationmode/hot", TOKEN, null);
            assertTrue(refused.startsWith("409 {\"mode\":\"Warm\",\"outcome\":\"primary-alive\""), refused);
            assertTrue(refused.contains("the primary at " + replication + " is alive") &&
                refused.contains("is not streaming from it, so a planned switchover cannot run"), refused);
            assertNull(activatedBy.get());
        }
        final String activated = call("PUT", "/service/activationmode/hot", TOKEN, null);
        assertTrue(activated.startsWith("200 {\"mode\":\"Hot\",\"name\":\"TryHeartbeat\",\"outcome\":" +
            "\"activated\""), activated);
        assertTrue(activated.contains("primary unreachable (" + replication + ": connection refused; 127.0.0.1:" +
            closedPort + ": connection refused)"), activated);
    }

    @Test
    void shouldRefuseToActivateAStaleNodeAndSayWhy() throws Exception
    {
        mode.set(NodeMode.Stale);
        server = startWithToken();
        final String answer = call("PUT", "/service/activationmode/hot", TOKEN, null);
        assertTrue(answer.startsWith("409 {\"mode\":\"Stale\",\"name\":\"TryHeartbeat\",\"reason\":\"peer node-1 " +
            "holds epoch 4\",\"outcome\":\"refused\""), answer);
        assertTrue(call("GET", "/health").startsWith("503 "));
    }

    @Test
    void shouldSayDegradedOnHealthWhileStillUp() throws Exception
    {
        server = startWithToken();
        degraded.set("replica lags 40000 entries (threshold 10000)");
        assertEquals("200 {\"status\":\"DEGRADED\",\"mode\":\"Warm\",\"reason\":\"\",\"degraded\":" +
            "\"replica lags 40000 entries (threshold 10000)\"}", call("GET", "/health"));
    }

    @Test
    void shouldServeHealthMetricsAndActivationWhileSlowClientsTrickle() throws Exception
    {
        server = startWithToken();
        final List<Socket> slow = new ArrayList<>();
        try
        {
            // one fewer than the workers: each holds a worker while it trickles its request line
            for (int i = 0; i < AdminServer.WORKERS - 1; i++)
            {
                final Socket socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.address().getPort()),
                    5_000);
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write("GET /he".getBytes(StandardCharsets.US_ASCII));
                slow.add(socket);
            }
            final long startNs = System.nanoTime();
            assertTrue(call("GET", "/health").startsWith("200 "));
            assertTrue(call("GET", "/metrics").startsWith("200 "));
            assertTrue(call("PUT", "/service/activationmode/hot", TOKEN, null).startsWith("200 "));
            final Duration took = Duration.ofNanos(System.nanoTime() - startNs);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "three calls took " + took);

            // a byte every 5 s: the server drops it once the request deadline passes
            final Socket first = slow.get(0);
            final OutputStream out = first.getOutputStream();
            final long deadlineNs = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            boolean dropped = false;
            while (!dropped && System.nanoTime() - deadlineNs < 0)
            {
                try
                {
                    out.write('a');
                    out.flush();
                    first.setSoTimeout(5_000);
                    dropped = first.getInputStream().read() < 0;
                }
                catch (final java.net.SocketTimeoutException ex)
                {
                    // still open: trickle on
                }
                catch (final SocketException ex)
                {
                    dropped = true;
                }
            }
            assertTrue(dropped, "the slow client was never dropped");
            final Duration held = Duration.ofNanos(System.nanoTime() - startNs);
            assertTrue(held.compareTo(Duration.ofSeconds(AdminServer.MAX_REQUEST_SECONDS + 15)) < 0,
                "slow client held a worker for " + held);
        }
        finally
        {
            for (final Socket socket : slow)
            {
                socket.close();
            }
        }
    }

    @Test
    void shouldPrintTheRealBindAddress() throws Exception
    {
        server = AdminServer.start("127.0.0.2:0", status);
        assertEquals("127.0.0.2:" + server.address().getPort(), AdminServer.hostPort(server.address()));
    }

    @Test
    void shouldRejectAShortTokenNamingTheKey() throws Exception
    {
        dir = Tests.tempDir("admin-token");
        final Path file = dir.resolve("token");
        Files.writeString(file, "short");
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> new AdminConfig().tokenFile(file.toString()).validate());
        assertTrue(ex.detail().startsWith("admin.tokenFile: '" + file + "'"), ex.getMessage());
    }

    private AdminServer startWithToken() throws IOException
    {
        dir = Tests.tempDir("admin-token");
        final Path file = dir.resolve("token");
        Files.writeString(file, TOKEN + "\n");
        final AdminConfig config = new AdminConfig().listen("127.0.0.1:0").tokenFile(file.toString());
        config.validate();
        return AdminServer.start(config, status);
    }

    private String call(final String method, final String path) throws Exception
    {
        return call(method, path, null, null);
    }

    private String call(final String method, final String path, final String token, final String origin)
        throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.address().getPort() + path))
            .timeout(Duration.ofSeconds(15))
            .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null)
        {
            request.header("Authorization", "Bearer " + token);
        }
        if (origin != null)
        {
            request.header("Origin", origin);
        }
        final HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
