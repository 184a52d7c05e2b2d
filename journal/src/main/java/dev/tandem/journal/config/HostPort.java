package dev.tandem.journal.config;

import java.net.InetSocketAddress;

/**
 * Tandem's one parser of {@code host:port} as a user writes it in configuration: {@code 127.0.0.1:9880},
 * {@code fix.example.com:9880}, {@code [::1]:9880}. Every module reads addresses through it, so they all accept and
 * refuse the same things with the same message.
 * <p>
 * Stateless; thread safe.
 */
public final class HostPort
{
    private HostPort()
    {
    }

    /**
     * Parses {@code host:port} without resolving the host (a name is resolved when connecting or binding).
     *
     * @param key           the key path the value came from, for the error.
     * @param value         {@code host:port}.
     * @param allowZeroPort whether port 0 (any free port, for a listening address) is allowed.
     * @return an unresolved socket address.
     * @throws ConfigException naming the key and the value when it is not {@code host:port} with a port in 1..65535
     *                         (or 0 when {@code allowZeroPort}).
     */
    public static InetSocketAddress parse(final String key, final String value, final boolean allowZeroPort)
    {
        if (value == null || value.isBlank())
        {
            throw new ConfigException(key + ": missing address, expected host:port such as 127.0.0.1:9880");
        }
        final String trimmed = value.trim();
        final int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1)
        {
            throw new ConfigException(key + ": '" + value + "' is not host:port, expected e.g. 127.0.0.1:9880");
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
            throw new ConfigException(key + ": '" + value + "' has a port that is not a number, expected " +
                (allowZeroPort ? "0" : "1") + "..65535", ex);
        }
        if (port < (allowZeroPort ? 0 : 1) || port > 65535)
        {
            throw new ConfigException(key + ": '" + value + "' has port " + port + " out of range, expected " +
                (allowZeroPort ? "0 (any free port)" : "1") + "..65535");
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace))
        {
            throw new ConfigException(key + ": '" + value + "' has no valid host");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** {@code host:port} of an address, resolved or not, with brackets around an IPv6 literal. */
    public static String format(final InetSocketAddress address)
    {
        final String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
