package dev.tandem.fix;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A first Logon that reaches the acceptor in pieces, as TCP may deliver it: split at every byte boundary, and one
 * byte at a time, over a real loopback socket. The acceptor is stepped on the test thread, each piece read before
 * the next is sent, so every split really is a separate read (and the Logon is framed across the pre-Logon buffer's
 * compaction). FIXT.1.1 with DefaultApplVerID (1137) and ResetSeqNumFlag, validated with the standard dictionary,
 * as in ScenarioTest: every split must be answered with a Logon, 34=1.
 */
class LogonSplitAcrossReadsTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Path dir;
    private Journal journal;
    private FixAcceptor acceptor;
    private byte[] logon;

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("logon-split");
        journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
        acceptor = FixAcceptor.create(new FixContext()
            .bindAddress("127.0.0.1").port(0)
            .addSession(new SessionConfig().beginString(SessionConfig.FIXT11).senderCompId("ISLD").targetCompId("TW")
                .heartbeatIntervalSec(30).resetOnLogon(true))
            .journal(journal)
            .application(new EchoApplication())
            .errorHandler(Throwable::printStackTrace));
        logon = RawFixClient.encode(SessionConfig.FIXT11,
            "35=A|34=1|49=TW|52=<TIME>|56=ISLD|98=0|108=30|141=Y|1137=9|");
    }

    @AfterEach
    void tearDown()
    {
        try
        {
            if (acceptor != null)
            {
                acceptor.close();
            }
            if (journal != null)
            {
                journal.close();
            }
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    @Test
    @Timeout(120)
    void shouldAcceptALogonSplitInTwoAtEveryByte() throws IOException
    {
        for (int split = 1; split < logon.length; split++)
        {
            logOnInPieces(Arrays.copyOfRange(logon, 0, split), Arrays.copyOfRange(logon, split, logon.length));
        }
        assertEquals(logon.length - 1, acceptor.logons());
    }

    @Test
    @Timeout(60)
    void shouldAcceptALogonSentOneByteAtATime() throws IOException
    {
        final byte[][] pieces = new byte[logon.length][];
        for (int i = 0; i < logon.length; i++)
        {
            pieces[i] = new byte[]{logon[i]};
        }
        logOnInPieces(pieces);
        assertEquals(1, acceptor.logons());
    }

    private void logOnInPieces(final byte[]... pieces) throws IOException
    {
        final FixSession session = acceptor.sessions().get(0);
        try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", acceptor.boundPort())))
        {
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            client.configureBlocking(false);
            int sent = 0;
            for (int i = 0; i < pieces.length; i++)
            {
                writeFully(client, pieces[i]);
                sent += pieces[i].length;
                if (i < pieces.length - 1)
                {
                    final int expected = sent;
                    step("the acceptor to read " + expected + " bytes of the Logon", () -> unboundBytes() == expected);
                }
            }
            final String reply = receive(client);
            final String where = "split " + pieceLengths(pieces) + ": " + reply;
            assertEquals("A", RawFixClient.field(reply, 35), where);
            assertEquals("1", RawFixClient.field(reply, 34), where);
        }
        step("the session to see the disconnect", () -> session.connection() == null);
    }

    /** Inbound bytes held by the one connection not logged on yet, or -1 before it is accepted. */
    private int unboundBytes()
    {
        for (final Connection connection : acceptor.engine.connections())
        {
            if (connection.session == null)
            {
                return connection.inboundLimit;
            }
        }
        return -1;
    }

    private void step(final String what, final java.util.function.BooleanSupplier condition)
    {
        Tests.await(what, TIMEOUT, () ->
        {
            acceptor.doWork();
            return condition.getAsBoolean();
        });
    }

    private static void writeFully(final SocketChannel client, final byte[] bytes) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        final long deadlineNs = System.nanoTime() + TIMEOUT.toNanos();
        while (buffer.hasRemaining())
        {
            client.write(buffer);
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("could not send " + bytes.length + " bytes in " + TIMEOUT);
            }
        }
    }

    /** Steps the acceptor until one whole message has arrived; returns it with '|' for SOH. */
    private String receive(final SocketChannel client)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(4096);
        final String[] message = new String[1];
        step("a reply to the Logon", () ->
        {
            try
            {
                if (client.read(buffer) < 0)
                {
                    throw new AssertionError("disconnected without a reply; received " + text(buffer));
                }
            }
            catch (final IOException ex)
            {
                throw new AssertionError("read failed: " + ex + "; received " + text(buffer), ex);
            }
            final String text = text(buffer);
            final int checksum = text.indexOf("|10=");
            if (checksum >= 0 && text.indexOf('|', checksum + 1) >= 0)
            {
                message[0] = text.substring(0, text.indexOf('|', checksum + 1) + 1);
                return true;
            }
            return false;
        });
        return message[0];
    }

    private static String text(final ByteBuffer buffer)
    {
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1).replace('\u0001', '|');
    }

    private static String pieceLengths(final byte[][] pieces)
    {
        if (pieces.length > 4)
        {
            return pieces.length + " pieces";
        }
        final StringBuilder lengths = new StringBuilder();
        for (final byte[] piece : pieces)
        {
            lengths.append(lengths.length() == 0 ? "" : "+").append(piece.length);
        }
        return lengths.toString();
    }
}
