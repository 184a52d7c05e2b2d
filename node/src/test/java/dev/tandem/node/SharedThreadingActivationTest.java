package dev.tandem.node;

import dev.tandem.test.Tests;
import dev.tandem.test.fix.DefScriptRunner;
import dev.tandem.test.fix.FixMessage;
import dev.tandem.test.fix.FixTestClient;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pair whose agents share one duty cycle (SHARED: one thread; INVOKER: the application's loop): replication
 * connects, the primary goes, the secondary's sink leaves the cycle and its replication source and FIX engine join
 * it at activation, and it serves a Logon; the typed listener hears each step.
 */
@Timeout(90)
class SharedThreadingActivationTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Path dir = Tests.tempDir("shared-activation");
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Tandem> nodes = new ArrayList<>();
    private final List<Thread> drivers = new ArrayList<>();
    private final AtomicBoolean driving = new AtomicBoolean(true);

    @AfterEach
    void tearDown() throws InterruptedException
    {
        driving.set(false);
        for (final Thread driver : drivers)
        {
            driver.join(10_000);
            assertFalse(driver.isAlive());
        }
        for (int i = nodes.size() - 1; i >= 0; i--)
        {
            nodes.get(i).close();
        }
        Tests.deleteRecursively(dir);
    }

    @ParameterizedTest
    @EnumSource(value = ThreadingMode.class, names = {"SHARED", "INVOKER"})
    void shouldActivateASecondaryWhoseAgentsShareOneDutyCycle(final ThreadingMode mode) throws Exception
    {
        final Tandem primary = launch("primary", mode, "!NodeConfig {\n" +
            "  role: PRIMARY,\n" +
            "  journal: { dir: \"" + dir.resolve("primary") + "\" },\n" +
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET +
            "\" },\n" + fixAndAdmin() + "}\n");
        final AtomicBoolean primaryDriving = new AtomicBoolean(true);
        final Thread primaryDriver = mode == ThreadingMode.INVOKER ? drive(primary, primaryDriving) : null;
        final Tandem secondary = launch("secondary", mode, "!NodeConfig {\n" +
            "  role: SECONDARY,\n" +
            "  journal: { dir: \"" + dir.resolve("secondary") + "\" },\n" +
            "  replication: { connect: \"127.0.0.1:" + primary.node().replicationPort() + "\", listenWhenHot: " +
            "\"127.0.0.1:0\", clusterName: demo, secretFile: \"" + NodeConfigTest.SECRET + "\" },\n" +
            fixAndAdmin() + "  activation: !Manual { }\n}\n");
        if (mode == ThreadingMode.INVOKER)
        {
            drive(secondary, driving);
        }
        Tests.await("both ends hear replication connect", WAIT,
            () -> events.contains("primary connected") && events.contains("secondary connected"));

        if (primaryDriver != null)
        {
            primaryDriving.set(false);
            primaryDriver.join(10_000);
        }
        primary.close();
        nodes.remove(primary);
        Tests.await("the secondary hears replication lost", WAIT, () -> events.contains("secondary lost"));

        // the Warm node allocated its sessions' memory ahead; the activation's acceptor takes it
        Tests.await("session memory reserved", WAIT, () -> secondary.node().reservedSessionMemory() != null);
        final dev.tandem.fix.SessionMemory reserved = secondary.node().reservedSessionMemory();
        assertFalse(reserved.isTaken());
        assertEquals(NodeMode.Hot, secondary.node().activate("test", 10_000));
        assertTrue(reserved.isTaken(), "the activation's acceptor took the memory reserved while Warm");
        assertNull(secondary.node().reservedSessionMemory());
        Tests.await("onHot", WAIT, () -> events.contains("secondary hot 2"));
        assertTrue(secondary.node().replicationPort() > 0, "the hot replication source joined the duty cycle");
        try (FixTestClient client = FixTestClient.connect(
            new InetSocketAddress("127.0.0.1", secondary.node().fixPort()), WAIT))
        {
            client.send(DefScriptRunner.render(
                "8=FIX.4.4|35=A|34=1|49=TW|52=<TIME>|56=ISLD|98=0|108=30|".replace('|', '\u0001'), Instant.now()));
            final FixMessage logon = client.receive(WAIT);
            assertNotNull(logon, "no Logon reply");
            assertEquals("A", logon.msgType());
        }
        assertEquals(List.of("primary ready Hot", "secondary ready Warm"),
            events.stream().filter(e -> e.contains("ready")).toList());
    }

    private Tandem launch(final String name, final ThreadingMode mode, final String yaml)
    {
        final Tandem tandem = Tandem.launch(TandemContext.fromYaml(yaml)
            .application(new IgnoringApplication())
            .threadingMode(mode)
            .listener(new NodeListener()
            {
                @Override
                public void onReady(final NodeStatus node)
                {
                    events.add(name + " ready " + node.mode());
                }

                @Override
                public void onHot(final NodeStatus node, final long epoch, final String why)
                {
                    events.add(name + " hot " + epoch);
                }

                @Override
                public void onReplicationConnected(final NodeStatus node)
                {
                    events.add(name + " connected");
                }

                @Override
                public void onReplicationLost(final NodeStatus node)
                {
                    events.add(name + " lost");
                }
            }));
        nodes.add(tandem);
        return tandem;
    }

    private Thread drive(final Tandem tandem, final AtomicBoolean running)
    {
        final Thread driver = new Thread(() ->
        {
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            while (running.get() && driving.get())
            {
                idle.idle(tandem.invoker().invoke());
            }
        }, "app-loop");
        driver.start();
        drivers.add(driver);
        return driver;
    }

    private static String fixAndAdmin()
    {
        return "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  admin: { listen: \"127.0.0.1:0\" },\n";
    }
}
