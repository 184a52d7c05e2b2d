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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void shouldLogOutWhenTheLogonReplyFailsValidation() throws IOException
    {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            server.setSoTimeout(10_000);
            initiator.start();
            initiator.connect("127.0.0.1", server.getLocalPort());
            try (Socket peer = server.accept())
            {
                peer.setSoTimeout(10_000);
                final InputStream in = peer.getInputStream();
                final String logon = readMessage(in);
                assertTrue(logon.contains("\u000135=A\u0001"), logon);
                // a Logon reply whose EncryptMethod (98) is outside its enumeration
                peer.getOutputStream().write(message("35=A|34=1|49=ISLD|52=" +
                    nowUtc() +
                    "|56=TW44|98=7|108=30|"));
                final String logout = readMessage(in);
                assertTrue(logout.contains("\u000135=5\u0001") && logout.contains("Invalid Logon message") &&
                    logout.contains("field=98"), logout);
                assertEquals(-1, in.read(), "closed after the Logout");
            }
        }
        // never logged on: the listener hears a failed connection, not a logon nor a disconnect
        Tests.await("connection failed", Duration.ofSeconds(10), () -> events.contains("failed"));
        assertFalse(events.contains("logon") || events.contains("disconnected"), events.toString());
    }

    private static String nowUtc()
    {
        return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HH:mm:ss.SSS")
            .format(java.time.LocalDateTime.now(java.time.ZoneOffset.UTC));
    }

    /** FIX.4.4 with BodyLength and CheckSum around {@code body} ('|' for SOH). */
    private static byte[] message(final String body)
    {
        final String inner = body.replace('|', '\u0001');
        final String head = "8=FIX.4.4\u00019=" + inner.length() + "\u0001";
        int sum = 0;
        for (final byte b : (head + inner).getBytes(StandardCharsets.US_ASCII))
        {
            sum += b;
        }
        return (head + inner + String.format("10=%03d\u0001", sum & 0xFF)).getBytes(StandardCharsets.US_ASCII);
    }

    /** @return one message read up to its CheckSum field (the socket's timeout bounds the wait). */
    private static String readMessage(final InputStream in) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("closed after " + bytes.toString(StandardCharsets.US_ASCII));
            }
            bytes.write(b);
            final String text = bytes.toString(StandardCharsets.US_ASCII);
            if (b == 1 && text.matches("(?s).*\u000110=\\d{3}\u0001"))
            {
                return text;
            }
        }
    }
}
