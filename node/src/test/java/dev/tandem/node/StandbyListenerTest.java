package dev.tandem.node;

import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class StandbyListenerTest
{
    @Test
    void shouldSayItCannotHoldATakenPortAndReturnNoListenerInsteadOfThrowing() throws Exception
    {
        final int port;
        try (ServerSocketChannel other = ServerSocketChannel.open())
        {
            other.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((java.net.InetSocketAddress)other.getLocalAddress()).getPort();
            // another process listens there: a switchover's old primary goes on without a standby
            assertNull(StandbyListener.tryOpen("127.0.0.1", port, "node-1", "during a planned switchover"));
        }
        try (StandbyListener standby = StandbyListener.tryOpen("127.0.0.1", port, "node-1", "while following"))
        {
            assertTrue(standby != null && standby.port() == port, "the port, once free, is held again");
        }
    }

    @Test
    void shouldResetConnectionsWhileWarm() throws Exception
    {
        try (StandbyListener standby = new StandbyListener("127.0.0.1", 0);
            Socket client = new Socket(InetAddress.getLoopbackAddress(), standby.port()))
        {
            client.setSoTimeout(10_000);
            // accepted and reset at once: the initiator moves on in microseconds
            assertThrows(IOException.class, () ->
            {
                final int read = client.getInputStream().read();
                if (read < 0)
                {
                    throw new IOException("end of stream");
                }
            });
            Tests.await("refused counted", Duration.ofSeconds(10), () -> standby.refused() == 1);
        }
    }

    /** Held during an activation, a connection waits with its bytes, and whoever takes the socket serves it. */
    @Test
    void shouldKeepWhatDialsWhileHeldForTheAcceptorThatTakesTheSocket() throws Exception
    {
        final StandbyListener standby = new StandbyListener("127.0.0.1", 0);
        standby.hold();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), standby.port()))
        {
            client.getOutputStream().write("8=FIX.4.4|35=A|".getBytes(StandardCharsets.US_ASCII));
            client.setSoTimeout(300);
            // not reset while held (a bounded negative check: a reset would arrive within microseconds)
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
            assertEquals(0, standby.refused());

            try (ServerSocketChannel taken = standby.handOver())
            {
                assertTrue(taken.isOpen());
                taken.configureBlocking(true);
                try (SocketChannel accepted = taken.accept())
                {
                    final ByteBuffer bytes = ByteBuffer.allocate(64);
                    while (bytes.position() < 15)
                    {
                        assertTrue(accepted.read(bytes) > 0);
                    }
                    assertEquals("8=FIX.4.4|35=A|", new String(bytes.array(), 0, bytes.position(),
                        StandardCharsets.US_ASCII));
                    accepted.write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)));
                    client.setSoTimeout(10_000);
                    final InputStream in = client.getInputStream();
                    assertEquals('o', in.read());
                    assertEquals('k', in.read());
                }
            }
            // handed over: the listener owns nothing, its close leaves the socket to its new owner
            standby.close();
        }
    }

    @Test
    void shouldResetWhatWaitedWhenTheActivationDoesNotComplete() throws Exception
    {
        try (StandbyListener standby = new StandbyListener("127.0.0.1", 0))
        {
            standby.hold();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), standby.port()))
            {
                client.setSoTimeout(200);
                assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
                standby.resume();
                client.setSoTimeout(10_000);
                assertThrows(IOException.class, () ->
                {
                    if (client.getInputStream().read() < 0)
                    {
                        throw new IOException("end of stream");
                    }
                });
                Tests.await("the waiting connection reset", Duration.ofSeconds(10), () -> standby.refused() == 1);
            }
        }
    }

    @Test
    void shouldReleaseThePortOnClose() throws Exception
    {
        final StandbyListener standby = new StandbyListener("127.0.0.1", 0);
        final int port = standby.port();
        standby.hold();
        standby.close();
        assertFalse(canConnect(port), "the port still answers after close");
    }

    private static boolean canConnect(final int port)
    {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port))
        {
            return true;
        }
        catch (final IOException refused)
        {
            return false;
        }
    }
}
