package dev.tandem.failover;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * One connection attempt: an open TCP channel to one acceptor, on which the Logon has yet to complete.
 * <p>
 * Threading: owned by the connecting thread.
 */
public final class Attempt
{
    private final SocketChannel channel;
    private final int addressIndex;
    private final InetSocketAddress address;
    private final long number;

    /**
     * @param channel      the connected channel, in blocking mode.
     * @param addressIndex the index of {@code address} in the list given to the strategy (0 = the primary).
     * @param address      the acceptor connected to.
     * @param number       a count of attempts made by this strategy, from 1.
     */
    public Attempt(
        final SocketChannel channel, final int addressIndex, final InetSocketAddress address, final long number)
    {
        this.channel = channel;
        this.addressIndex = addressIndex;
        this.address = address;
        this.number = number;
    }

    public SocketChannel channel()
    {
        return channel;
    }

    /** Index of the acceptor in the configured list: 0 is the primary. */
    public int addressIndex()
    {
        return addressIndex;
    }

    public InetSocketAddress address()
    {
        return address;
    }

    /** Attempts made by the strategy so far, this one included. */
    public long number()
    {
        return number;
    }

    @Override
    public String toString()
    {
        return "attempt " + number + " to " + address.getHostString() + ":" + address.getPort() +
            " (address #" + addressIndex + ")";
    }
}
