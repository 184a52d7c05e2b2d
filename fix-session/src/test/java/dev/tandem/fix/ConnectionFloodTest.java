package dev.tandem.fix;

import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connect flood on the FIX port (issue 15 item 3): thousands of idle connections from 41 hosts on 127.0.0.0/8 hold
 * bounded direct memory (a few KiB each before Logon, at most maxPendingConnections of them), the excess is closed at
 * once rather than after the Logon timeout, and the rightful counterparty still logs on and trades.
 */
class ConnectionFloodTest
{
    private static final int CONNECTS = 3_000;
    private static final int HOSTS = 40;
    /** Client sockets the flood keeps open at once, below the test JVM's file limit. */
    private static final int CLIENT_OPEN = 400;
    private static final long MIB = 1024 * 1024;

    private AcceptorFixture fixture;

    @AfterEach
    void tearDown()
    {
        if (fixture != null)
        {
            fixture.close();
        }
    }

    @Test
    void shouldHoldBoundedMemoryAndLetTheCounterpartyLogOnThroughAConnectFlood() throws Exception
    {
        // a minute to send a Logon: only the pending limits, not the timeout, can close the flood's connections
        fixture = new AcceptorFixture(true, ReleaseGate.OPEN, (context) -> context.logonTimeoutMs(60_000));
        final BufferPoolMXBean direct = directPool();
        final long baseline = direct.getMemoryUsed();
        final int port = fixture.port();

        final ArrayDeque<Socket> open = new ArrayDeque<>();
        final long startNs = System.nanoTime();
        try
        {
            int connects = 0;
            for (int i = 0; i < CONNECTS; i++)
            {
                final Socket socket = new Socket();
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (1 + i % (HOSTS + 1))), 0));
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                connects++;
                open.add(socket);
                while (open.size() > CLIENT_OPEN)
                {
                    open.poll().close();
                }
                if (i == CONNECTS / 2)
                {
                    // the rightful counterparty, in the middle of the flood
                    try (RawFixClient client = fixture.logon())
                    {
                        client.send("35=D|34=2|49=TW44|52=<TIME>|56=ISLD|11=ID|21=3|40=1|54=1|55=INTC|60=<TIME>|");
                        assertEquals("D", field(client.receive(), 35));
                    }
                }
            }
            assertEquals(CONNECTS, connects);

            // the oldest of the flood's open sockets was closed by the acceptor at once, not after the 60 s timeout
            final Socket oldest = open.peek();
            oldest.setSoTimeout(10_000);
            assertEquals(-1, readOrReset(oldest), "an excess connection was still open");
            assertTrue(Duration.ofNanos(System.nanoTime() - startNs).compareTo(Duration.ofSeconds(55)) < 0,
                "the flood and the close took longer than the Logon timeout would have");
            assertTrue(fixture.acceptor.evictedConnections() >= CONNECTS - 2 * FixContext.DEFAULT_MAX_PENDING_CONNECTIONS,
                "evicted " + fixture.acceptor.evictedConnections());

            // what is still held: at most maxPendingConnections pre-Logon buffers of 8 KiB, once the evicted ones are
            // collected; before this change every connection held 128 KiB until its Logon timeout
            Tests.await("direct memory back to a bounded level", Duration.ofSeconds(30), () ->
            {
                System.gc();
                return direct.getMemoryUsed() - baseline < 4 * MIB;
            });
        }
        finally
        {
            for (final Socket socket : open)
            {
                socket.close();
            }
        }

        // and the acceptor thread lives on: a second Logon works after the flood
        try (RawFixClient client = fixture.logon("TW", 30))
        {
            client.send("35=0|34=2|49=TW|52=<TIME>|56=ISLD|");
        }
    }

    @Test
    void shouldCloseAConnectionWhoseFirstBytesAreNoLogonOnceThePreLogonBufferIsFull() throws Exception
    {
        fixture = new AcceptorFixture(true, ReleaseGate.OPEN, (context) -> context.logonTimeoutMs(60_000));
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), fixture.port()), 5_000);
            socket.setSoTimeout(10_000);
            // a BodyLength that promises more than the pre-Logon buffer holds, then the bytes to fill it
            socket.getOutputStream().write("8=FIX.4.4\u00019=60000\u000135=A\u0001".getBytes());
            final byte[] filler = new byte[FixEngine.PRE_LOGON_INBOUND_BYTES];
            java.util.Arrays.fill(filler, (byte)'x');
            try
            {
                socket.getOutputStream().write(filler);
            }
            catch (final SocketException ignore)
            {
                // already closed: that is the point
            }
            assertEquals(-1, readOrReset(socket));
        }
    }

    private static int readOrReset(final Socket socket) throws IOException
    {
        try
        {
            return socket.getInputStream().read();
        }
        catch (final SocketException ex)
        {
            return -1;
        }
        catch (final SocketTimeoutException ex)
        {
            return -2;
        }
    }

    private static BufferPoolMXBean directPool()
    {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            if ("direct".equals(pool.getName()))
            {
                return pool;
            }
        }
        throw new AssertionError("no direct buffer pool bean");
    }
}
