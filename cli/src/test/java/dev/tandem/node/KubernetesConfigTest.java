package dev.tandem.node;

import com.sun.net.httpserver.HttpServer;
import dev.tandem.journal.Persistence;
import dev.tandem.replication.BoundedWait;
import dev.tandem.replication.WhenLeaseExpired;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Kubernetes deployment (deploy/kubernetes) against the node's own config reader: the ConfigMap's two node
 * templates, rendered by the real entrypoint ({@code tandem-k8s.sh render}, run by bash) for each pod and each role,
 * must be accepted by {@link NodeConfig#fromYaml} with the addresses the pair needs; and the entrypoint's choice of
 * role ({@code tandem-k8s.sh role}) against a peer admin API served here on loopback, answering as a Hot or Warm node
 * or not at all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubernetesConfigTest
{
    private static final String TOKEN = "k8s-admin-token-0123456789";

    private final Path dir = Tests.tempDir("k8s-config");
    private final Path configDir = dir.resolve("config");
    private final Path secretsDir = dir.resolve("secrets");
    private final Path dataDir = dir.resolve("data");
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private Path deployDir;
    private HttpServer peer;

    @BeforeEach
    void before() throws IOException
    {
        deployDir = deployDir();
        Files.createDirectories(configDir);
        Files.createDirectories(secretsDir);
        Files.createDirectories(dataDir.resolve("journal"));
        // what the kubelet does with the ConfigMap and the Secret: one file per key
        for (final Map.Entry<String, String> entry : configMapData(deployDir.resolve("configmap.yaml")).entrySet())
        {
            Files.writeString(configDir.resolve(entry.getKey()), entry.getValue());
        }
        Files.writeString(secretsDir.resolve("replication-secret"), "0123456789abcdef0123456789abcdef");
        Files.writeString(secretsDir.resolve("admin-token"), TOKEN + "\n");
    }

    @AfterEach
    void after()
    {
        if (peer != null)
        {
            peer.stop(0);
        }
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldRenderAConfigTheNodeAcceptsForEachPodAndRole() throws Exception
    {
        for (final int ordinal : new int[] {0, 1})
        {
            final String peerHost = "tandem-" + (1 - ordinal) + ".tandem-peers";
            final NodeConfig primary = NodeConfig.fromYaml(render(ordinal, "PRIMARY"));
            assertEquals(Role.PRIMARY, primary.role());
            assertEquals(ordinal + 1, primary.nodeId(), "nodeId follows the pod, not the role");
            assertEquals(dataDir.resolve("journal").toString(), primary.journal().dir());
            assertEquals(Persistence.BUFFERED, primary.journal().persistence());
            assertEquals("0.0.0.0:9701", primary.replication().listen());
            assertEquals(secretsDir.resolve("replication-secret").toString(), primary.replication().secretFile());
            final BoundedWait ack = assertInstanceOf(BoundedWait.class, primary.replication().ackStrategy());
            assertEquals(5, ack.timeoutMs());
            assertEquals(WhenLeaseExpired.HOLD, primary.replication().whenLeaseExpired());
            assertEquals("0.0.0.0:9880", primary.fix().listen());
            assertEquals("0.0.0.0:9780", primary.admin().listen());
            assertEquals(secretsDir.resolve("admin-token").toString(), primary.admin().tokenFile());
            assertEquals(peerHost + ":9780", primary.peerAdmin());

            // a SECONDARY's replication.connect must resolve when its config is read (the entrypoint waits for the
            // peer's DNS record): the names are checked in the text, the config reader reads it with the peer on
            // loopback, as TANDEM_PEER_HOST allows
            final String secondaryText = render(ordinal, "SECONDARY");
            assertTrue(secondaryText.contains("connect: \"" + peerHost + ":9701\""), secondaryText);
            assertTrue(secondaryText.contains("peerAdmin: \"" + peerHost + ":9780\""), secondaryText);
            final NodeConfig secondary = NodeConfig.fromYaml(render(ordinal, "SECONDARY", "127.0.0.1"));
            assertEquals(Role.SECONDARY, secondary.role());
            assertEquals(ordinal + 1, secondary.nodeId());
            assertEquals("127.0.0.1:9701", secondary.replication().connect());
            assertEquals("0.0.0.0:9701", secondary.replication().listenWhenHot(),
                "once Hot it serves replication on the port its peer dials whichever role it plays");
            assertEquals(ack.toString(), secondary.replication().ackStrategyWhenHot().toString(),
                "the same strategy whichever pod is Hot");
            assertEquals(WhenLeaseExpired.HOLD, secondary.replication().whenLeaseExpired());
            assertEquals(DivergencePolicy.SET_ASIDE, secondary.replication().onDivergence());
            assertEquals(300, assertInstanceOf(TryHeartbeat.class, secondary.activation()).delayMs());
            assertEquals("0.0.0.0:9880", secondary.fix().listen());
            assertEquals(primary.fix().sessions().toString(), secondary.fix().sessions().toString(),
                "both roles serve the same sessions");
            assertEquals("127.0.0.1:9780", secondary.peerAdmin());
        }
    }

    @Test
    void shouldFailTheCheckWhenATemplateHasAKeyTheNodeRefuses() throws Exception
    {
        final Path template = configDir.resolve("secondary.yaml");
        Files.writeString(template, Files.readString(template).replace("activation:", "activaton:"));

        final ConfigException ex = assertThrows(ConfigException.class,
            () -> NodeConfig.fromYaml(render(1, "SECONDARY", "127.0.0.1")));
        assertTrue(ex.getMessage().contains("activaton"), ex.getMessage());
    }

    @Test
    void shouldRefuseATemplateWithAMarkerItDoesNotReplace() throws Exception
    {
        final Path template = configDir.resolve("primary.yaml");
        Files.writeString(template, Files.readString(template).replace("clusterName: tandem", "clusterName: @CLUSTER@"));

        final Result result = run(0, Map.of(), "render", "PRIMARY");
        assertEquals(2, result.exit, result.toString());
        assertTrue(result.stderr.contains("@CLUSTER@"), result.toString());
    }

    @Test
    void shouldFollowAHotPeer() throws Exception
    {
        peer("{\"nodeId\":2,\"role\":\"SECONDARY\",\"mode\":\"Hot\",\"epoch\":3,\"position\":1200}", 200);

        final Result result = role(0);
        assertEquals("SECONDARY", result.stdout.strip(), result.toString());
        assertTrue(result.stderr.contains("Hot at epoch 3"), result.toString());
        assertEquals(List.of("GET /service/state"), requests);
    }

    @Test
    void shouldBePrimaryForAWarmPeerAtOurEpochWhateverTheOrdinal() throws Exception
    {
        final EpochFile epoch = EpochFile.open(dataDir.resolve("journal"));
        epoch.prepare();
        epoch.store(3);
        epoch.store(4);
        peer("{\"nodeId\":1,\"role\":\"SECONDARY\",\"mode\":\"Warm\",\"epoch\":4,\"position\":10}", 200);

        final Result result = role(1);
        assertEquals("PRIMARY", result.stdout.strip(), result.toString());
        assertEquals(List.of("GET /service/state"), requests, "nothing is activated");
    }

    @Test
    void shouldActivateAWarmPeerThatHoldsANewerEpochAndFollowIt() throws Exception
    {
        // a volume written by an older Tandem: the one-line format
        Files.writeString(dataDir.resolve("journal").resolve(EpochFile.FILE_NAME), "1\n");
        peer("{\"nodeId\":2,\"role\":\"SECONDARY\",\"mode\":\"Warm\",\"epoch\":2,\"position\":10}", 200);

        final Result result = role(0);
        assertEquals("SECONDARY", result.stdout.strip(), result.toString());
        assertEquals(List.of("GET /service/state", "PUT /service/activationmode/hot Bearer " + TOKEN), requests);
    }

    @Test
    void shouldExitWhenThePeerRefusesToActivate() throws Exception
    {
        peer("{\"nodeId\":2,\"role\":\"SECONDARY\",\"mode\":\"Warm\",\"epoch\":2,\"position\":10}", 409);

        final Result result = role(0);
        assertEquals(3, result.exit, result.toString());
        assertEquals("", result.stdout, result.toString());
        assertTrue(result.stderr.contains("activating peer tandem-1 failed"), result.toString());
    }

    @Test
    void shouldFallBackToTheOrdinalWhenThePeerDoesNotAnswer() throws Exception
    {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            closedPort = socket.getLocalPort();
        }
        final Map<String, String> env = Map.of("TANDEM_PEER_ADMIN", "127.0.0.1:" + closedPort);

        final Result zero = run(0, env, "role");
        assertEquals("PRIMARY", zero.stdout.strip(), zero.toString());
        final Result one = run(1, env, "role");
        assertEquals("SECONDARY", one.stdout.strip(), one.toString());
    }

    @Test
    void shouldRefuseAPodThatIsNotOrdinalZeroOrOne() throws Exception
    {
        final Result notAStatefulSet = run("tandem", Map.of(), "role");
        assertEquals(2, notAStatefulSet.exit, notAStatefulSet.toString());
        final Result third = run("tandem-2", Map.of(), "role");
        assertEquals(2, third.exit, third.toString());
        assertTrue(third.stderr.contains("ordinal 2"), third.toString());
    }

    private String render(final int ordinal, final String role) throws Exception
    {
        return render(ordinal, role, null);
    }

    /** The entrypoint's YAML for the pod and role; {@code peerHost} non-null sets TANDEM_PEER_HOST. */
    private String render(final int ordinal, final String role, final String peerHost) throws Exception
    {
        final Result result = run(ordinal, peerHost == null ? Map.of() : Map.of("TANDEM_PEER_HOST", peerHost),
            "render", role);
        assertEquals(0, result.exit, result.toString());
        assertTrue(!result.stdout.contains("@"), "every marker replaced:\n" + result.stdout);
        return result.stdout;
    }

    private Result role(final int ordinal) throws Exception
    {
        return run(ordinal, Map.of("TANDEM_PEER_ADMIN", "127.0.0.1:" + peer.getAddress().getPort()), "role");
    }

    private Result run(final int ordinal, final Map<String, String> env, final String... args) throws Exception
    {
        return run("tandem-" + ordinal, env, args);
    }

    private Result run(final String hostname, final Map<String, String> env, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("bash", deployDir.resolve("tandem-k8s.sh").toString()));
        command.addAll(List.of(args));
        final Path out = Files.createTempFile(dir, "out", ".txt");
        final Path err = Files.createTempFile(dir, "err", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        final Map<String, String> environment = builder.environment();
        environment.put("HOSTNAME", hostname);
        environment.put("TANDEM_CONFIG_DIR", configDir.toString());
        environment.put("TANDEM_SECRETS_DIR", secretsDir.toString());
        environment.put("TANDEM_DATA_DIR", dataDir.toString());
        environment.put("TANDEM_RUN_DIR", dir.resolve("run").toString());
        environment.put("TANDEM_PEER_SERVICE", "tandem-peers");
        // a peer that cannot be reached unless a test serves one: never a real network address
        environment.put("TANDEM_PEER_ADMIN", "127.0.0.1:1");
        environment.putAll(env);
        final Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            fail("tandem-k8s.sh " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Serves GET /service/state with {@code state}, and PUT /service/activationmode/hot with {@code putStatus}. */
    private void peer(final String state, final int putStatus) throws IOException
    {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        peer.createContext("/", exchange ->
        {
            final String auth = exchange.getRequestHeaders().getFirst("Authorization");
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() +
                (auth == null ? "" : " " + auth));
            final boolean get = "GET".equals(exchange.getRequestMethod()) &&
                "/service/state".equals(exchange.getRequestURI().getPath());
            final byte[] body = (get ? state : "{\"mode\":\"Hot\",\"outcome\":\"activated\"}")
                .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(get ? 200 : putStatus, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        peer.start();
    }

    /** deploy/kubernetes of this repository, found from the module's working directory upwards. */
    private static Path deployDir()
    {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent())
        {
            final Path candidate = at.resolve("deploy").resolve("kubernetes");
            if (Files.isRegularFile(candidate.resolve("configmap.yaml")))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("deploy/kubernetes/configmap.yaml not found above " +
            Path.of("").toAbsolutePath());
    }

    /**
     * The {@code data} of the ConfigMap manifest, each key a literal block scalar ({@code key: |}) indented by four:
     * the form configmap.yaml is written in. Anything else under {@code data} fails the test rather than being
     * skipped.
     */
    static Map<String, String> configMapData(final Path manifest) throws IOException
    {
        final List<String> lines = Files.readAllLines(manifest);
        final Map<String, String> data = new LinkedHashMap<>();
        int i = lines.indexOf("data:");
        assertTrue(i >= 0, manifest + " has no data: section");
        i++;
        while (i < lines.size() && (lines.get(i).startsWith("  ") || lines.get(i).isBlank()))
        {
            final String line = lines.get(i);
            if (line.isBlank())
            {
                i++;
                continue;
            }
            assertTrue(line.matches("  [A-Za-z0-9._-]+: \\|"), "a data key that is not a literal block: " + line);
            final String key = line.strip().substring(0, line.strip().indexOf(':'));
            final StringBuilder value = new StringBuilder();
            i++;
            while (i < lines.size() && (lines.get(i).startsWith("    ") || lines.get(i).isBlank()))
            {
                value.append(lines.get(i).length() >= 4 ? lines.get(i).substring(4) : "").append('\n');
                i++;
            }
            assertNull(data.put(key, value.toString()), "key " + key + " twice");
        }
        assertEquals(List.of("primary.yaml", "secondary.yaml"), List.copyOf(data.keySet()));
        return data;
    }

    private record Result(int exit, String stdout, String stderr)
    {
        @Override
        public String toString()
        {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }
}
