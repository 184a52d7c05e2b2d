package dev.tandem.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminServerTest
{
    private final AtomicReference<NodeMode> mode = new AtomicReference<>(NodeMode.Warm);
    private final AtomicReference<String> activatedBy = new AtomicReference<>();
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
    }

    @Test
    void shouldAnswerTheActivationCallsUsersKnow() throws IOException
    {
        server = AdminServer.start("127.0.0.1:0", status);
        assertEquals("200 {\"mode\":\"Warm\",\"name\":\"TryHeartbeat\"}", call("GET", "/service/activationmode"));
        assertEquals("200 {\"status\":\"UP\",\"mode\":\"Warm\",\"reason\":\"\"}", call("GET", "/health"));
        assertEquals("405 {\"error\":\"use PUT\"}", call("GET", "/service/activationmode/hot"));
        assertEquals("200 {\"mode\":\"Hot\",\"name\":\"TryHeartbeat\"}", call("PUT", "/service/activationmode/hot"));
        assertTrue(activatedBy.get().contains("admin API"));
        assertEquals("200 {\"nodeId\":2,\"role\":\"SECONDARY\",\"mode\":\"Hot\",\"epoch\":3," +
            "\"position\":0,\"activation\":\"TryHeartbeat\",\"reason\":\"\"}", call("GET", "/service/state"));
        assertEquals("200 tandem_sessions_logged_on 0\n", call("GET", "/metrics"));
        assertTrue(call("GET", "/nope").startsWith("404"));
    }

    @Test
    void shouldRefuseToActivateAStaleNodeAndSayWhy() throws IOException
    {
        mode.set(NodeMode.Stale);
        server = AdminServer.start("127.0.0.1:0", status);
        assertEquals("409 {\"mode\":\"Stale\",\"name\":\"TryHeartbeat\",\"reason\":\"peer node-1 holds epoch 4\"}",
            call("PUT", "/service/activationmode/hot"));
        assertTrue(call("GET", "/health").startsWith("503 "));
    }

    private String call(final String method, final String path) throws IOException
    {
        final URL url = new URL("http://127.0.0.1:" + server.address().getPort() + path);
        final HttpURLConnection connection = (HttpURLConnection)url.openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(15_000);
        try
        {
            final int status = connection.getResponseCode();
            final InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            final String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return status + " " + body;
        }
        finally
        {
            connection.disconnect();
        }
    }
}
