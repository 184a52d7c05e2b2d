package dev.tandem.failover;

import dev.tandem.journal.config.HostPort;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code host:port} strings as a user writes them in YAML, failing with the key and the bad value, through
 * Tandem's one address parser ({@link HostPort}). Names are not resolved here: a host name is resolved when
 * connecting.
 */
public final class Addresses
{
    private Addresses()
    {
    }

    /**
     * @param key   the YAML key the value came from, for the error message.
     * @param value {@code host:port}, e.g. {@code 127.0.0.1:9880}.
     * @return an unresolved socket address.
     * @throws IllegalArgumentException naming key and value when the value is not {@code host:port} with a port in
     *                                  1..65535 (or 0 when {@code allowZeroPort}).
     */
    public static InetSocketAddress parse(final String key, final String value, final boolean allowZeroPort)
    {
        return HostPort.parse(key, value, allowZeroPort);
    }

    /** Parses a list; the key of element i is {@code key[i]}. Fails on an empty list. */
    public static List<InetSocketAddress> parseAll(final String key, final List<String> values)
    {
        if (values == null || values.isEmpty())
        {
            throw new IllegalArgumentException(key + ": at least one acceptor address (host:port) is required");
        }
        final List<InetSocketAddress> result = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++)
        {
            result.add(parse(key + "[" + i + "]", values.get(i), false));
        }
        return result;
    }

    /** {@code host:port} of an address, resolved or not. */
    public static String format(final InetSocketAddress address)
    {
        return HostPort.format(address);
    }
}
