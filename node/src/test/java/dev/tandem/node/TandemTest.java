package dev.tandem.node;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.DefScriptRunner;
import dev.tandem.test.fix.FixMessage;
import dev.tandem.test.fix.FixTestClient;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedding facade over real TCP and a real journal: an application instance answering orders, sends from
 * another thread through a {@link SessionHandle} with its status codes, each {@link ThreadingMode}, the typed
 * listener, and recovery of a request the node journaled but never answered.
 */
@Timeout(60)
class TandemTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Path dir = Tests.tempDir("tandem-facade");
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private Tandem tandem;
    private Thread driver;
    private final AtomicBoolean driving = new AtomicBoolean();
    private FixTestClient client;

    @AfterEach
    void tearDown() throws InterruptedException
    {
        if (client != null)
        {
            client.close();
        }
        stopDriver();
        if (tandem != null)
        {
            tandem.close();
        }
        Tests.deleteRecursively(dir);
    }

    @ParameterizedTest
    @EnumSource(ThreadingMode.class)
    void shouldAnswerOrdersAndSendFromAnotherThreadInEveryThreadingMode(final ThreadingMode mode) throws Exception
    {
        final AtomicInteger threads = new AtomicInteger();
        tandem = Tandem.launch(context(new Gateway(calls))
            .threadingMode(mode)
            .threadFactory(runnable -> new Thread(runnable, "app-" + threads.incrementAndGet()))
            .listener(new NodeListener()
            {
                @Override
                public void onReady(final NodeStatus node)
                {
                    calls.add("ready " + node.mode());
                }
            }));
        if (mode == ThreadingMode.INVOKER)
        {
            startDriver();
        }
        else
        {
            assertThrows(IllegalStateException.class, () -> tandem.invoker());
        }
        assertEquals(mode == ThreadingMode.INVOKER ? 0 : 2, threads.get(), "agent threads made by the application's " +
            "ThreadFactory: the FIX engine's (shared by every latency agent under SHARED) and the control agent's");
        assertTrue(calls.contains("ready Hot"), calls.toString());

        final SessionHandle session = tandem.session("ISLD", "TW");
        final UnsafeBuffer body = new UnsafeBuffer(new byte[256]);
        final FixEncoder fields = new FixEncoder();
        fields.wrap(body, 0, body.capacity()).putAscii(148, "before logon");
        assertEquals(SessionHandle.NOT_LOGGED_ON, session.send("B", fields));
        assertThrows(IllegalArgumentException.class, () -> tandem.session("ISLD", "NOPE"));

        logon(1);
        Tests.await("the handle sees the Logon", WAIT, session::isLoggedOn);

        client.send(order(2, "ORD-1"));
        final FixMessage report = client.receive(WAIT);
        assertEquals("8", report.msgType());
        assertEquals("ORD-1", report.value(11));

        final AtomicInteger status = new AtomicInteger(Integer.MIN_VALUE);
        final Thread other = new Thread(() ->
        {
            final FixEncoder encoder = new FixEncoder();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            encoder.wrap(buffer, 0, buffer.capacity()).putAscii(148, "from another thread");
            status.set(session.send("B", encoder));
        }, "another-app-thread");
        other.start();
        other.join();
        assertEquals(SessionHandle.SENT, status.get());
        final FixMessage news = client.receive(WAIT);
        assertEquals("B", news.msgType());
        assertEquals("from another thread", news.value(148));
        assertEquals(3, Integer.parseInt(news.value(34)), "stamped with the session's next MsgSeqNum");
        assertEquals(0, session.dropped());
    }

    @Test
    void shouldTellBackPressureAndTooLargeApartWhenNothingDrainsTheRing() throws Exception
    {
        tandem = Tandem.launch(context(new Gateway(calls)).threadingMode(ThreadingMode.INVOKER));
        startDriver();
        final SessionHandle session = tandem.session("ISLD", "TW");
        logon(1);
        Tests.await("logged on", WAIT, session::isLoggedOn);
        stopDriver();

        final UnsafeBuffer big = new UnsafeBuffer(new byte[SessionHandles.RING_CAPACITY_BYTES]);
        assertEquals(SessionHandle.TOO_LARGE, session.send("B", big, 0, big.capacity()));
        final UnsafeBuffer body = new UnsafeBuffer("148=x\u0001".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        int sent = 0;
        int result;
        while ((result = session.send("B", body, 0, body.capacity())) == SessionHandle.SENT)
        {
            sent++;
            assertTrue(sent < SessionHandles.RING_CAPACITY_BYTES, "the ring never filled");
        }
        assertEquals(SessionHandle.BACK_PRESSURED, result);
        assertTrue(sent > 1000, "sent " + sent);
    }

    @Test
    void shouldHandTheApplicationARequestJournaledButNeverAnsweredWhenARestartedPrimaryLogsTheSessionOn()
        throws Exception
    {
        tandem = Tandem.launch(context(new Gateway(calls)));
        logon(1);
        client.send(order(2, "HOLD-1"));
        client.send(order(3, "ORD-2"));
        assertEquals("ORD-2", client.receive(WAIT).value(11), "HOLD-1 is held: never answered");
        client.close();
        client = null;
        tandem.close();
        tandem = null;
        calls.clear();

        final Gateway restarted = new Gateway(calls);
        tandem = Tandem.launch(context(restarted).recoveryHandler(restarted::recover));
        logon(4);
        client.send(order(5, "ORD-3"));
        final FixMessage recovered = client.receive(WAIT);
        assertEquals("HOLD-1", recovered.value(11));
        assertEquals("Y", recovered.value(97), "a recovered answer goes with PossResend");
        assertEquals("ORD-3", client.receive(WAIT).value(11));
        assertEquals(List.of("logon", "unanswered HOLD-1 seq 2", "order ORD-3"), calls);

        // answered now: the next restart hands nothing over
        client.close();
        client = null;
        tandem.close();
        tandem = null;
        calls.clear();
        final Gateway again = new Gateway(calls);
        tandem = Tandem.launch(context(again).recoveryHandler(again::recover));
        logon(6);
        client.send(order(7, "ORD-4"));
        assertEquals("ORD-4", client.receive(WAIT).value(11));
        assertEquals(List.of("logon", "order ORD-4"), calls);
    }

    @Test
    void shouldReadTheThreadingProfileAndTheRecoveryCorrelationFromYaml()
    {
        final NodeConfig config = NodeConfig.fromYaml(yaml() + ", threading: BALANCED, gcAtStart: false, " +
            "recovery: { inboundTag: 37, outboundTag: 37, inboundMsgTypes: [ D, G ], scanEntries: 500 } }");
        assertEquals(ThreadingProfile.BALANCED, config.threading());
        assertFalse(config.gcAtStart());
        assertEquals(37, config.recovery().inboundTag());
        assertEquals(500, config.recovery().scanEntries());
        assertEquals(List.of("D", "G"), List.of(config.recovery().inboundMsgTypes()));
        final TandemContext context = new TandemContext().node(config).application(new Gateway(calls)).conclude();
        assertEquals(ThreadingMode.DEDICATED, context.threadingMode());
        assertTrue(context.idleStrategy().get() instanceof dev.tandem.journal.idle.IoIdleStrategy);
        assertTrue(new TandemContext().node(NodeConfig.fromYaml(yaml() + ", threading: BACKOFF }"))
            .application(new Gateway(calls)).conclude().idleStrategy().get() instanceof BackoffIdleStrategy);
        final ConfigException bad = assertThrows(ConfigException.class,
            () -> NodeConfig.fromYaml(yaml() + ", threading: FAST }"));
        assertTrue(bad.getMessage().contains("threading") && bad.getMessage().contains("FAST"), bad.getMessage());
        final NodeConfig byDefault = NodeConfig.fromYaml(yaml() + " }");
        assertEquals(ThreadingProfile.SHARED, byDefault.threading());
        assertTrue(byDefault.gcAtStart());
        assertEquals(ThreadingMode.SHARED,
            new TandemContext().node(byDefault).application(new Gateway(calls)).conclude().threadingMode());
    }

    private String yaml()
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY,\n" +
            "  journal: { dir: \"" + dir.resolve("journal") + "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  admin: { listen: \"127.0.0.1:0\" }\n";
    }

    private TandemContext context(final FixApplication application)
    {
        return TandemContext.fromYaml(yaml() + "}").application(application);
    }

    private void logon(final int seqNum)
    {
        client = FixTestClient.connect(new InetSocketAddress("127.0.0.1", tandem.node().fixPort()), WAIT);
        client.send(fix("8=FIX.4.4|35=A|34=" + seqNum + "|49=TW|52=<TIME>|56=ISLD|98=0|108=30|"));
        final FixMessage logon = client.receive(WAIT);
        assertNotNull(logon, "no Logon reply: " + client.endReason());
        assertEquals("A", logon.msgType());
    }

    private static byte[] order(final int seqNum, final String clOrdId)
    {
        return fix("8=FIX.4.4|35=D|34=" + seqNum + "|49=TW|52=<TIME>|56=ISLD|11=" + clOrdId +
            "|55=INTC|54=1|60=<TIME>|38=100|40=1|");
    }

    private static byte[] fix(final String text)
    {
        return DefScriptRunner.render(text.replace('|', '\u0001'), Instant.now());
    }

    private void startDriver()
    {
        driving.set(true);
        driver = new Thread(() ->
        {
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            while (driving.get())
            {
                idle.idle(tandem.invoker().invoke());
            }
        }, "app-loop");
        driver.start();
    }

    private void stopDriver() throws InterruptedException
    {
        if (driver != null)
        {
            driving.set(false);
            driver.join(10_000);
            assertFalse(driver.isAlive());
            driver = null;
        }
    }

    /** Answers every order with an ExecutionReport carrying its ClOrdID, except those starting HOLD. */
    static final class Gateway implements FixApplication
    {
        private final List<String> calls;

        Gateway(final List<String> calls)
        {
            this.calls = calls;
        }

        @Override
        public void onLogon(final FixSession session)
        {
            calls.add("logon");
        }

        @Override
        public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
        {
            final String clOrdId = session.decoder().stringValue(11);
            calls.add("order " + clOrdId);
            if (!clOrdId.startsWith("HOLD"))
            {
                answer(session, clOrdId, false);
            }
        }

        void recover(final DirectBuffer buffer, final int offset, final int length, final int msgSeqNum,
            final FixSession session)
        {
            final dev.tandem.fix.codec.FixDecoder decoder = new dev.tandem.fix.codec.FixDecoder();
            decoder.wrap(buffer, offset, length);
            final String clOrdId = decoder.stringValue(11);
            calls.add("unanswered " + clOrdId + " seq " + msgSeqNum);
            answer(session, clOrdId, true);
        }

        private static void answer(final FixSession session, final String clOrdId, final boolean possResend)
        {
            final FixEncoder report = session.tryClaim("8");
            if (possResend)
            {
                report.putChar(97, 'Y');
            }
            report.putAscii(11, clOrdId).putAscii(37, "O-" + clOrdId).putAscii(17, "E-" + clOrdId)
                .putChar(150, '0').putChar(39, '0').putAscii(55, "INTC").putChar(54, '1')
                .putInt(151, 100).putInt(14, 0).putInt(6, 0);
            assertTrue(session.commit() > 0);
        }
    }
}
