package dev.tandem.replication;

import net.openhft.chronicle.wire.WireOut;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The settings both ends of the replication link share (cluster, node id, epoch, shared secret, heartbeats,
 * handshake timeout, clock): their YAML keys, their validation and the loading of the secret. Each context owns one
 * and delegates its public accessors to it.
 * <p>
 * Not thread safe: belongs to its context, configured on one thread.
 */
final class LinkConfig
{
    String clusterName;
    int nodeId;
    long epoch;
    String secretFile;
    String secretEnv;
    long heartbeatIntervalMs = ReplicationSourceContext.DEFAULT_HEARTBEAT_INTERVAL_MS;
    long heartbeatTimeoutMs = ReplicationSourceContext.DEFAULT_HEARTBEAT_TIMEOUT_MS;
    long handshakeTimeoutMs = ReplicationSourceContext.DEFAULT_HANDSHAKE_TIMEOUT_MS;
    NanoClock nanoClock = SystemNanoClock.INSTANCE;

    private byte[] secret;
    private byte[] resolvedSecret;

    LinkConfig(final int nodeId)
    {
        this.nodeId = nodeId;
    }

    /** The shared secret given in code; copied. */
    void secret(final byte[] secret)
    {
        this.secret = secret == null ? null : secret.clone();
    }

    /** Writes clusterName, nodeId, epoch and where the secret comes from (never the secret itself). */
    void writeIdentity(final WireOut wire)
    {
        wire.write("clusterName").text(clusterName);
        wire.write("nodeId").int32(nodeId);
        wire.write("epoch").int64(epoch);
        if (secretFile != null)
        {
            wire.write("secretFile").text(secretFile);
        }
        if (secretEnv != null)
        {
            wire.write("secretEnv").text(secretEnv);
        }
    }

    /** Writes the heartbeat and handshake timings. */
    void writeTimers(final WireOut wire)
    {
        wire.write("heartbeatIntervalMs").int64(heartbeatIntervalMs);
        wire.write("heartbeatTimeoutMs").int64(heartbeatTimeoutMs);
        wire.write("handshakeTimeoutMs").int64(handshakeTimeoutMs);
    }

    /** The identity and timing part of a context's {@code toString()}, without the secret. */
    String identityText()
    {
        return "clusterName=" + clusterName + ", nodeId=" + nodeId + ", epoch=" + epoch + ", secretFile=" +
            secretFile + ", secretEnv=" + secretEnv;
    }

    String timersText()
    {
        return "heartbeatIntervalMs=" + heartbeatIntervalMs + ", heartbeatTimeoutMs=" + heartbeatTimeoutMs +
            ", handshakeTimeoutMs=" + handshakeTimeoutMs;
    }

    /** @throws IllegalArgumentException for a bad clusterName or a negative epoch. */
    void concludeIdentity()
    {
        Config.clusterName(clusterName);
        if (epoch < 0)
        {
            throw new IllegalArgumentException("epoch: " + epoch + " must be 0 or more");
        }
    }

    /** @throws IllegalArgumentException for bad heartbeat or handshake timings. */
    void concludeTimers()
    {
        Config.positive("heartbeatIntervalMs", heartbeatIntervalMs);
        if (heartbeatTimeoutMs < 2 * heartbeatIntervalMs)
        {
            throw new IllegalArgumentException("heartbeatTimeoutMs: " + heartbeatTimeoutMs +
                " must be at least twice heartbeatIntervalMs (" + heartbeatIntervalMs + ")");
        }
        Config.positive("handshakeTimeoutMs", handshakeTimeoutMs);
    }

    /** @throws IllegalArgumentException for a missing clock or a missing, unreadable or short secret. */
    void concludeClockAndSecret()
    {
        if (nanoClock == null)
        {
            throw new IllegalArgumentException("nanoClock: missing");
        }
        resolvedSecret = Config.secret(secret, secretFile, secretEnv);
    }

    byte[] resolvedSecret()
    {
        return resolvedSecret;
    }

    byte[] clusterNameBytes()
    {
        return clusterName.getBytes(StandardCharsets.US_ASCII);
    }

    long heartbeatIntervalNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
    }

    long heartbeatTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(heartbeatTimeoutMs);
    }

    long handshakeTimeoutNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(handshakeTimeoutMs);
    }
}
