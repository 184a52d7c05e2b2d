package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.Tests;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our initiator against our acceptor: logon, traffic both ways, reconnect with recovery, connect failures. */
class InitiatorTest
{
    private final Set<String> received = ConcurrentHashMap.newKeySet();
    private final AtomicInteger possDups = new AtomicInteger();
    private final CopyOnWriteArrayList<String> events = new CopyOnWriteArrayList<>();
    private AcceptorFixture fixture;
    private Path initiatorDir;
    private Journal initiatorJournal;
    private FixInitiator initiator;

    @BeforeEach
    void setUp()
    {
        fixture = new AcceptorFixture(false, ReleaseGate.OPEN, (context) -> {});
        initiatorDir = Tests.tempDir("initiator");
        initiatorJournal = Journal.open(new JournalContext().dir(initiatorDir.toString()));
        initiator = FixInitiator.create(new FixContext()
            .addSession(new SessionConfig().senderCompId("TW44").targetCompId("ISLD").heartbeatIntervalSec(30))
            .journal(initiatorJournal)
            .application(new FixApplication()
            {
                @Override
                public void onMessage(
                    final DirectBuffer buffer, final int offset, final int length, final FixSession session)
                {
                    final FixDecoder decoder = session.decoder();
                    received.add(decoder.stringValue(11));
                    if (decoder.possDup())
                    {
                        possDups.incrementAndGet();
                    }
                }
            })
            .initiatorListener(new InitiatorListener()
            {
                @Override
                public void onLogonCompleted(final FixSession session, final String host, final int port)
                {
                    events.add("logon");
                }

                @Override
                public void onConnectionFailed(final String host, final int port, final String reason)
                {
                    events.add("failed");
                }

                @Override
                public void onDisconnected(final FixSession session, final String host, final int port)
                {
                    events.add("disconnected");
                }
            }));
    }

    @AfterEach
    void tearDown()
    {
        initiator.close();
        initiatorJournal.close();
        Tests.deleteRecursively(initiatorDir);
        fixture.close();
    }

    /** Runs the initiator's duty cycle on the test thread until the condition holds. */
    private void step(final String what, final BooleanSupplier condition)
    {
        Tests.await(what, Duration.ofSeconds(10), () ->
        {
            initiator.doWork();
            return condition.getAsBoolean();
        });
    }

    private void sendOrders(final int from, final int to)
    {
        final FixSession session = initiator.session();
        for (int i = from; i < to; i++)
        {
            final FixEncoder encoder = session.tryClaim("D");
            encoder.putAscii(11, "O" + i).putChar(21, '3').putChar(40, '1').putChar(54, '1').putAscii(55, "INTC")
                .putTimestampMs(60, System.currentTimeMillis());
            assertTrue(session.commit() > 0);
        }
    }

    @Test
    void shouldLogOnExchangeAndRecoverBothWaysAfterDisconnect()
    {
        initiator.connect("127.0.0.1", fixture.port());
        step("logon", () -> events.contains("logon"));
        assertEquals(1, initiator.session().nextTargetSeqNum() - 1);

        sendOrders(0, 200);
        step("200 echoes", () -> received.size() == 200);

        // journaled by the initiator but never written: the acceptor asks for them after the reconnect
        sendOrders(200, 300);
        initiator.session().disconnect();
        assertEquals("disconnected", events.get(events.size() - 1));
        final int acceptorSeen = fixture.application.messages.get();
        assertTrue(acceptorSeen <= 300);

        initiator.connect("127.0.0.1", fixture.port());
        step("echoes of the resent orders", () -> received.size() == 300);
        assertEquals(300, fixture.application.messages.get());
        assertEquals(0, possDups.get(), "echoes of our resent orders are new messages of the acceptor");
        assertEquals(2, events.stream().filter("logon"::equals).count());
    }

    @Test
    void shouldResendFromAcceptorJournalMessagesTheInitiatorNeverRead()
    {
        initiator.connect("127.0.0.1", fixture.port());
        step("logon", () -> events.contains("logon"));
        final long before = fixture.journal.lastPosition();
        fixture.acceptor.execute(() ->
        {
            final FixSession session = fixture.acceptor.sessions().get(0);
            for (int i = 0; i < 50; i++)
            {
                session.tryClaim("8").putAscii(11, "E" + i).putChar(150, '0')
                    .putAscii(37, "O" + i).putAscii(17, "X" + i).putChar(39, '0').putChar(54, '1').putAscii(55, "INTC")
                    .putInt(151, 0).putInt(14, 0).putInt(6, 0);
                session.commit();
            }
        });
        Tests.await("acceptor journaled 50", Duration.ofSeconds(10),
            () -> fixture.journal.lastPosition() >= before + 50);
        initiator.session().disconnect();
        assertTrue(received.isEmpty());

        initiator.connect("127.0.0.1", fixture.port());
        step("resent executions", () -> received.size() == 50);
        assertEquals(50, possDups.get());
    }

    @Test
    void shouldReportConnectionFailure() throws IOException
    {
        final int freePort;
        try (ServerSocket socket = new ServerSocket(0))
        {
            freePort = socket.getLocalPort();
        }
        initiator.connect("127.0.0.1", freePort);
        step("connection failure", () -> events.contains("failed"));
        initiator.connect("127.0.0.1", fixture.port());
        step("logon after a failure", () -> events.contains("logon"));
    }

    @Test
    void shouldRunOnItsOwnThreadAndLogOut()
    {
        initiator.start();
        initiator.connect("127.0.0.1", fixture.port());
        Tests.await("logon", Duration.ofSeconds(10), () -> events.contains("logon"));
        initiator.logout();
        Tests.await("disconnected after logout", Duration.ofSeconds(10), () -> events.contains("disconnected"));
        Tests.await("acceptor saw logout", Duration.ofSeconds(10), () -> fixture.application.logouts.get() == 1);
    }
}
