package dev.tandem.failover;

import java.io.IOException;

/**
 * Performs the FIX Logon exchange on a freshly connected {@link Attempt}, within a deadline.
 * <p>
 * Threading: called on the connecting thread, one attempt at a time.
 */
@FunctionalInterface
public interface LogonHandshake
{
    /**
     * Returns normally once the acceptor's Logon reply has been received and accepted.
     *
     * @param attempt   the connection to log on over.
     * @param timeoutMs how long the exchange may take.
     * @throws IOException (with the reason as message) when the connection was reset or closed, the Logon was
     *                     rejected, or no reply came in time.
     */
    void logon(Attempt attempt, long timeoutMs) throws IOException;
}
