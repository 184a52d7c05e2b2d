package dev.tandem.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports for tests. Most tests bind port 0 and read the port back; these are for the others: a node that must
 * keep its ports across restarts ({@link #fixed(int)}), and an address where a connect is refused
 * ({@link #refused()}).
 * <p>
 * Threading: static and stateless; any thread.
 */
public final class Ports
{
    /** Below the kernel's ephemeral range (32768-60999 by default on Linux). */
    private static final int FIXED_PORT_LOW = 10_000;
    private static final int FIXED_PORT_HIGH = 32_000;
    private static final int MAX_DRAWS = 10_000;

    private Ports()
    {
    }

    /**
     * Ports free now on loopback, all distinct (held open together while they are chosen), picked at random below
     * the kernel's ephemeral range: a port from the ephemeral range, once released, can be taken meanwhile as the
     * local port of an outgoing connection, and a node that restarts on it then cannot bind it.
     *
     * @throws IllegalStateException when {@code count} free ports were not found in {@value #MAX_DRAWS} draws.
     */
    public static int[] fixed(final int count)
    {
        final List<ServerSocket> sockets = new ArrayList<>();
        try
        {
            final int[] ports = new int[count];
            int found = 0;
            for (int draw = 0; found < count; draw++)
            {
                if (draw == MAX_DRAWS)
                {
                    throw new IllegalStateException("no " + count + " free loopback ports between " + FIXED_PORT_LOW +
                        " and " + FIXED_PORT_HIGH);
                }
                final int port = ThreadLocalRandom.current().nextInt(FIXED_PORT_LOW, FIXED_PORT_HIGH);
                try
                {
                    sockets.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
                    ports[found++] = port;
                }
                catch (final IOException taken)
                {
                    // in use: draw another
                }
            }
            return ports;
        }
        finally
        {
            for (final ServerSocket socket : sockets)
            {
                closeQuietly(socket);
            }
        }
    }

    /** A loopback address nobody listens on (a port bound and released just now): a connect there is refused. */
    public static InetSocketAddress refused()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot bind a loopback port", ex);
        }
    }

    private static void closeQuietly(final ServerSocket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // a probe socket: nothing to do
        }
    }
}
