package dev.tandem.test;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class FaultyProxyTest
{
    /**
     * A stall is a fault that lasts: closing the proxy must not deliver what piled up behind it (a test that stalls
     * the replication link and then closes the proxy to make the primary's address refuse relies on that).
     */
    @Test
    void shouldNeverDeliverStalledBytesWhenClosed() throws Exception
    {
        // the close races the stalled pump's wake-up: tried many times, so that a regression shows
        for (int attempt = 0; attempt < 50; attempt++)
        {
            closeWhileStalled(attempt);
        }
    }

    private static void closeWhileStalled(final int attempt) throws IOException
    {
        try (ServerSocket server = new ServerSocket();
            FaultyProxy proxy = startAfterBind(server);
            Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
            Socket accepted = server.accept())
        {
            accepted.getOutputStream().write("before".getBytes(StandardCharsets.US_ASCII));
            final InputStream in = client.getInputStream();
            client.setSoTimeout(10_000);
            assertEquals("before", new String(in.readNBytes(6), StandardCharsets.US_ASCII));

            proxy.stall(FaultyProxy.Direction.TO_CLIENT, true);
            accepted.getOutputStream().write(new byte[10_000]);
            accepted.getOutputStream().flush();
            proxy.close();

            final ByteArrayOutputStream after = new ByteArrayOutputStream();
            try
            {
                in.transferTo(after);
            }
            catch (final IOException reset)
            {
                // the proxy resets the connection: what matters is what came before the reset
            }
            assertEquals(0, after.size(), "attempt " + attempt + ": bytes delivered from behind a stall on close");
            assertEquals(6, proxy.bytesForwarded(FaultyProxy.Direction.TO_CLIENT), "attempt " + attempt);
        }
    }

    @Test
    void shouldForwardWhatWaitedOnceUnstalled() throws Exception
    {
        try (ServerSocket server = new ServerSocket();
            FaultyProxy proxy = startAfterBind(server))
        {
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
                Socket accepted = server.accept())
            {
                proxy.stall(FaultyProxy.Direction.TO_CLIENT, true);
                accepted.getOutputStream().write("waited".getBytes(StandardCharsets.US_ASCII));
                Tests.await("the stall holds nothing forwarded", Duration.ofSeconds(5),
                    () -> proxy.bytesForwarded(FaultyProxy.Direction.TO_CLIENT) == 0);
                proxy.stall(FaultyProxy.Direction.TO_CLIENT, false);
                client.setSoTimeout(10_000);
                assertEquals("waited", new String(client.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
            }
        }
    }

    private static FaultyProxy startAfterBind(final ServerSocket server) throws IOException
    {
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return FaultyProxy.start(server.getLocalPort());
    }
}
