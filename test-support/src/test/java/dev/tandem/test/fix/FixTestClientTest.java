package dev.tandem.test.fix;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Framing of what a peer sends, without trusting its BodyLength, over a real loopback socket. */
class FixTestClientTest
{
    private static byte[] message(final String fields)
    {
        return DefScriptRunner.render(fields.replace('|', '\u0001'), Instant.EPOCH);
    }

    @Test
    void shouldFrameMessagesSplitAcrossWritesReportGarbageAndSeeTheClose() throws Exception
    {
        final byte[] good = message("8=FIX.4.4|35=0|34=2|49=ISLD|56=TW44|");
        final String wrongLength = new String(message("8=FIX.4.4|35=1|34=3|112=X|"), StandardCharsets.ISO_8859_1)
            .replaceFirst("\u00019=\\d+\u0001", "\u00019=99\u0001");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            FixTestClient client = FixTestClient.connect(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), Duration.ofSeconds(5));
            Socket peer = server.accept())
        {
            final OutputStream out = peer.getOutputStream();
            out.write("junk".getBytes(StandardCharsets.ISO_8859_1));
            out.write(good, 0, 10);
            out.flush();
            assertThrows(AssertionError.class, () -> client.receive(Duration.ofMillis(200)), "half a message");
            out.write(good, 10, good.length - 10);
            out.write(wrongLength.getBytes(StandardCharsets.ISO_8859_1));
            out.write("8=FIX.4.4\u00019=5\u000135=0".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();

            final FixMessage first = client.receive(Duration.ofSeconds(5));
            assertEquals("0", first.msgType());
            assertEquals(List.of("junk"), client.garbage());
            final FixMessage second = client.receive(Duration.ofSeconds(5));
            assertEquals("99", second.value(9));
            assertTrue(new MessageMatcher(Scenarios.fieldPatterns())
                .mismatches(second.fields(), second).stream().anyMatch(p -> p.startsWith("BodyLength 9=99 but")));

            peer.close();
            assertEquals(List.of(), client.awaitDisconnect(Duration.ofSeconds(5)), "a trailing half message is no message");
            assertNull(client.receive(Duration.ofSeconds(1)));
            assertEquals("EOF", client.endReason());
        }
    }

    @Test
    void shouldFailAnExpectedDisconnectThatDoesNotCome() throws Exception
    {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            FixTestClient client = FixTestClient.connect(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), Duration.ofSeconds(5));
            Socket ignored = server.accept())
        {
            final AssertionError error = assertThrows(AssertionError.class,
                () -> client.awaitDisconnect(Duration.ofMillis(200)));
            assertTrue(error.getMessage().startsWith("peer did not disconnect within 200 ms"), error.getMessage());
        }
    }
}
