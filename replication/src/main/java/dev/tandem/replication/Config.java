package dev.tandem.replication;

import dev.tandem.journal.config.ConfigException;
import dev.tandem.journal.config.HostPort;
import net.openhft.chronicle.core.pool.ClassAliasPool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /**
     * Parses {@code host:port} with Tandem's one address parser ({@link HostPort}) and resolves the host: it must be
     * a literal address or a resolvable name. The message names the key and the value, without the config prefix
     * (a context's {@code conclude()} errors are the caller's to prefix).
     */
    static InetSocketAddress address(final String key, final String value, final boolean allowPortZero)
    {
        final InetSocketAddress parsed;
        try
        {
            parsed = HostPort.parse(key, value, allowPortZero);
        }
        catch (final ConfigException ex)
        {
            throw new IllegalArgumentException(ex.detail(), ex);
        }
        final InetSocketAddress address = new InetSocketAddress(parsed.getHostString(), parsed.getPort());
        if (address.isUnresolved())
        {
            throw new IllegalArgumentException(key + ": host '" + parsed.getHostString() + "' cannot be resolved");
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
