package dev.tandem.failover;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code host:port} strings as a user writes them in YAML, failing with the key and the bad value.
 * Names are not resolved here: a host name is resolved when connecting.
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
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException(key + ": missing address, expected host:port such as 127.0.0.1:9880");
        }
        final String trimmed = value.trim();
        final int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1)
        {
            throw new IllegalArgumentException(
                key + ": bad address '" + value + "', expected host:port such as 127.0.0.1:9880");
        }
        String host = trimmed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        final int port;
        try
        {
            port = Integer.parseInt(trimmed.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(
                key + ": bad port in '" + value + "', expected a number in 1..65535", ex);
        }
        if (port < (allowZeroPort ? 0 : 1) || port > 65535)
        {
            throw new IllegalArgumentException(
                key + ": port out of range in '" + value + "', expected " + (allowZeroPort ? "0" : "1") + "..65535");
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace))
        {
            throw new IllegalArgumentException(key + ": bad host in '" + value + "'");
        }
        return InetSocketAddress.createUnresolved(host, port);
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
        return address.getHostString() + ":" + address.getPort();
    }
}
