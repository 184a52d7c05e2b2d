package dev.tandem.node;

import dev.tandem.journal.config.HostPort;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;

/**
 * Tells whether a peer is alive by opening (and at once closing) a TCP connection to each of its addresses: an
 * accepted connection on any of them means alive; refused or timed out on all of them means unreachable.
 * <p>
 * Threading: stateless; any thread. Blocks for at most {@code timeoutMs} per address.
 */
final class ReachabilityCheck
{
    /** What the check found. */
    record Result(boolean alive, String address, String detail)
    {
    }

    private ReachabilityCheck()
    {
    }

    /**
     * @param addresses {@code host:port} of the peer, tried in order.
     * @return alive with the first address that accepted, or unreachable with what each address answered.
     */
    static Result check(final List<String> addresses, final int timeoutMs)
    {
        final StringBuilder detail = new StringBuilder();
        for (final String text : addresses)
        {
            final InetSocketAddress parsed = HostPort.parse("peer", text, false);
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress(parsed.getHostString(), parsed.getPort()), timeoutMs);
                return new Result(true, text, "accepted a connection");
            }
            catch (final ConnectException ex)
            {
                append(detail, text, "connection refused");
            }
            catch (final SocketTimeoutException ex)
            {
                append(detail, text, "timed out after " + timeoutMs + " ms");
            }
            catch (final IOException ex)
            {
                append(detail, text, ex.getMessage() == null ? ex.toString() : ex.getMessage());
            }
        }
        return new Result(false, "", detail.toString());
    }

    private static void append(final StringBuilder detail, final String address, final String what)
    {
        detail.append(detail.length() == 0 ? "" : "; ").append(address).append(": ").append(what);
    }
}
