package dev.tandem.replication;

import net.openhft.chronicle.wire.ValueIn;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reading and checking configuration values with errors that name the key, the bad value and what would be valid.
 * Static helpers; thread safe.
 */
final class Config
{
    /** Shortest shared secret accepted: 128 bits. */
    static final int MIN_SECRET_BYTES = 16;

    private Config()
    {
    }

    static IllegalArgumentException unknownKey(final String where, final String key, final String valid)
    {
        return new IllegalArgumentException(where + ": unknown key '" + key + "'; valid keys: " + valid);
    }

    static long longValue(final ValueIn in, final String key)
    {
        final String text = in.text();
        try
        {
            return Long.parseLong(text == null ? "" : text.trim().replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(key + ": '" + text + "' is not a whole number");
        }
    }

    static int intValue(final ValueIn in, final String key)
    {
        final long value = longValue(in, key);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(key + ": " + value + " does not fit in 32 bits");
        }
        return (int)value;
    }

    static String textValue(final ValueIn in)
    {
        final String text = in.text();
        return text == null ? null : text.trim();
    }

    static <E extends Enum<E>> E enumValue(final ValueIn in, final String key, final Class<E> type)
    {
        final String text = in.text();
        try
        {
            return Enum.valueOf(type, text == null ? "" : text.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            final StringBuilder valid = new StringBuilder();
            for (final E constant : type.getEnumConstants())
            {
                valid.append(valid.length() == 0 ? "" : ", ").append(constant.name());
            }
            throw new IllegalArgumentException(key + ": '" + text + "' is not valid; use one of " + valid);
        }
    }

    /** A strategy by type tag, or one of the scalar aliases {@code NEVER_TIMES_OUT}, {@code WAIT_FOREVER_...}. */
    static AckStrategy ackStrategy(final ValueIn in)
    {
        final Object value;
        try
        {
            value = in.object();
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("ackStrategy: cannot be read (" + ex.getMessage() + "); use " +
                validStrategies(), ex);
        }
        if (value instanceof AckStrategy)
        {
            return (AckStrategy)value;
        }
        if (value instanceof CharSequence)
        {
            final AckStrategy strategy = ackStrategyByName(value.toString().trim());
            if (strategy != null)
            {
                return strategy;
            }
        }
        throw new IllegalArgumentException("ackStrategy: '" + value + "' is not an ack strategy; use " +
            validStrategies());
    }

    /** The strategy a bare name stands for, or null. */
    static AckStrategy ackStrategyByName(final String name)
    {
        switch (name)
        {
            case "NEVER_TIMES_OUT":
            case "NeverTimesOut":
                return new NeverTimesOut();
            case "WAIT_FOREVER_FOR_REPLICA_ACK":
            case "WaitForever":
                return new WaitForever();
            case "BoundedWait":
                return new BoundedWait();
            default:
                return null;
        }
    }

    private static String validStrategies()
    {
        return "!NeverTimesOut {}, !WaitForever {}, !BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY|DISCONNECT, " +
            "whileSecondaryAway: KEEP_WAITING|RELEASE_IMMEDIATELY }, NEVER_TIMES_OUT, WAIT_FOREVER_FOR_REPLICA_ACK " +
            "or !your.own.AckStrategyClass { ... }";
    }

    /** Parses {@code host:port}; the host must be a loopback or literal address or a resolvable name. */
    static InetSocketAddress address(final String key, final String value, final boolean allowPortZero)
    {
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException(key + ": missing; use host:port, e.g. 127.0.0.1:9701");
        }
        final int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1)
        {
            throw new IllegalArgumentException(key + ": '" + value + "' is not host:port, e.g. 127.0.0.1:9701");
        }
        final String host = value.substring(0, colon);
        final int port;
        try
        {
            port = Integer.parseInt(value.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(key + ": '" + value + "' has a port that is not a number");
        }
        if (port < (allowPortZero ? 0 : 1) || port > 65535)
        {
            throw new IllegalArgumentException(key + ": '" + value + "' has port " + port + "; use " +
                (allowPortZero ? "0 (any free port) to 65535" : "1 to 65535"));
        }
        final InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved())
        {
            throw new IllegalArgumentException(key + ": host '" + host + "' cannot be resolved");
        }
        return address;
    }

    /**
     * Resolves a host (an IP literal or a name; no port) to all its addresses, for allow-lists that match a peer's
     * address whatever port it connects from.
     */
    static List<InetAddress> hostAddresses(final String key, final String value)
    {
        if (value == null || value.isBlank() || value.trim().chars().anyMatch(Character::isWhitespace))
        {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a host; use an address such as " +
                "10.0.0.2 or a resolvable name (no port: the peer's port is ephemeral)");
        }
        String host = value.trim();
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':'))
        {
            throw new IllegalArgumentException(key + ": '" + value + "' has a port; allowedPeers lists hosts only " +
                "(the peer's port is ephemeral)");
        }
        try
        {
            return List.of(InetAddress.getAllByName(host));
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(key + ": host '" + value + "' cannot be resolved");
        }
    }

    static void positive(final String key, final long value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(key + ": " + value + " must be greater than 0");
        }
    }

    static void clusterName(final String clusterName)
    {
        if (clusterName == null || clusterName.isEmpty())
        {
            throw new IllegalArgumentException("clusterName: missing; name the pair of nodes, e.g. clusterName: fix-a");
        }
        final byte[] bytes = clusterName.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length > FrameDescriptor.MAX_CLUSTER_NAME_LENGTH ||
            !clusterName.chars().allMatch(c -> c > 32 && c < 127))
        {
            throw new IllegalArgumentException("clusterName: '" + clusterName + "' must be 1 to " +
                FrameDescriptor.MAX_CLUSTER_NAME_LENGTH + " printable ASCII characters without spaces");
        }
    }

    /**
     * The shared secret: given in code, or read from a file (trailing line breaks ignored), or from an environment
     * variable. Exactly one source. The secret's bytes never appear in an error.
     */
    static byte[] secret(final byte[] inCode, final String secretFile, final String secretEnv)
    {
        final boolean hasFile = secretFile != null && !secretFile.isEmpty();
        final boolean hasEnv = secretEnv != null && !secretEnv.isEmpty();
        if (inCode != null)
        {
            if (hasFile || hasEnv)
            {
                throw new IllegalArgumentException("secret: given in code and also as " +
                    (hasFile ? "secretFile" : "secretEnv") + "; give exactly one");
            }
            return checkLength("secret (in code)", inCode.clone());
        }
        if (hasFile == hasEnv)
        {
            throw new IllegalArgumentException(hasFile ?
                "secretFile and secretEnv: both are set; give exactly one" :
                "secretFile or secretEnv: missing; name a file holding the shared secret, or an environment variable");
        }
        if (hasFile)
        {
            final byte[] bytes;
            try
            {
                bytes = Files.readAllBytes(Path.of(secretFile));
            }
            catch (final IOException | RuntimeException ex)
            {
                throw new IllegalArgumentException("secretFile: '" + secretFile + "' cannot be read (" +
                    ex.getClass().getSimpleName() + ")");
            }
            int length = bytes.length;
            while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r'))
            {
                length--;
            }
            final byte[] secret = new byte[length];
            System.arraycopy(bytes, 0, secret, 0, length);
            java.util.Arrays.fill(bytes, (byte)0);
            return checkLength("secretFile: '" + secretFile + "'", secret);
        }
        final String value = System.getenv(secretEnv);
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException("secretEnv: environment variable '" + secretEnv + "' is not set");
        }
        return checkLength("secretEnv: '" + secretEnv + "'", value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] checkLength(final String what, final byte[] secret)
    {
        if (secret.length < MIN_SECRET_BYTES)
        {
            final int length = secret.length;
            java.util.Arrays.fill(secret, (byte)0);
            throw new IllegalArgumentException(what + " holds a secret of " + length + " bytes; at least " +
                MIN_SECRET_BYTES + " are required");
        }
        return secret;
    }
}
