package dev.tandem.replication;

import dev.tandem.journal.ReleaseGate;
import net.openhft.chronicle.wire.WireOut;

import java.util.concurrent.TimeUnit;

/**
 * Releases a message when the secondary has acknowledged it or when it has waited {@code timeoutMs}, whichever
 * comes first; what a timeout does, and whether later messages still wait while the secondary is away, are explicit.
 * <pre>
 * ackStrategy: !BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY, whileSecondaryAway: KEEP_WAITING }
 * </pre>
 * The secondary counts as <em>away</em> while no sink is attached, and after a timeout until the acknowledgements
 * catch up with the position that timed out. With the source's {@code acks} above 1, "acknowledged" and "attached"
 * are read from the sinks counted together (see {@link AckProgress}): a timeout then applies to the counted
 * position, and the secondary is away while fewer than {@code acks} sinks are attached.
 * <p>
 * Mutable while configured (fluent setters, YAML); then treated as immutable. The gates it makes are for one
 * thread (the session agent).
 */
public final class BoundedWait implements AckStrategy
{
    /** What a timed-out message does. */
    public enum OnTimeout
    {
        /**
         * Send the message without its acknowledgement and count the timeout. Trade-off: trading goes on with at
         * most {@code timeoutMs} of added latency, but that message may be missing on the secondary after a failover.
         */
        SEND_ANYWAY,
        /**
         * Do not send: the session is logged out and disconnected. Trade-off: nothing unreplicated ever reaches the
         * counterparty, but a slow or absent secondary takes the session down.
         */
        DISCONNECT
    }

    /** What later messages do while the secondary is away. */
    public enum WhileSecondaryAway
    {
        /**
         * Every message still waits up to {@code timeoutMs} for its acknowledgement. Trade-off: each message gets
         * its full chance to replicate, but every message is delayed by the timeout while the secondary is gone.
         */
        KEEP_WAITING,
        /**
         * Release at once, counted, until the secondary is back and has caught up. Trade-off: latency returns to
         * normal at once, but everything sent meanwhile runs unprotected, as with {@link NeverTimesOut}.
         */
        RELEASE_IMMEDIATELY
    }

    /** Default wait: a few milliseconds covers a loopback or same-rack round trip with plenty of margin. */
    public static final long DEFAULT_TIMEOUT_MS = 5;

    private long timeoutMs = DEFAULT_TIMEOUT_MS;
    private OnTimeout onTimeout = OnTimeout.SEND_ANYWAY;
    private WhileSecondaryAway whileSecondaryAway = WhileSecondaryAway.KEEP_WAITING;

    public BoundedWait timeoutMs(final long timeoutMs)
    {
        this.timeoutMs = timeoutMs;
        return this;
    }

    /** How long a message waits for its acknowledgement, in milliseconds; at least 1. */
    public long timeoutMs()
    {
        return timeoutMs;
    }

    public BoundedWait onTimeout(final OnTimeout onTimeout)
    {
        this.onTimeout = onTimeout;
        return this;
    }

    public OnTimeout onTimeout()
    {
        return onTimeout;
    }

    public BoundedWait whileSecondaryAway(final WhileSecondaryAway whileSecondaryAway)
    {
        this.whileSecondaryAway = whileSecondaryAway;
        return this;
    }

    public WhileSecondaryAway whileSecondaryAway()
    {
        return whileSecondaryAway;
    }

    @Override
    public void validate()
    {
        if (timeoutMs < 1 || timeoutMs > TimeUnit.HOURS.toMillis(1))
        {
            throw new IllegalArgumentException(
                "ackStrategy.timeoutMs: " + timeoutMs + " is out of range; use 1 to 3600000 milliseconds");
        }
        if (onTimeout == null)
        {
            throw new IllegalArgumentException("ackStrategy.onTimeout: missing; use SEND_ANYWAY or DISCONNECT");
        }
        if (whileSecondaryAway == null)
        {
            throw new IllegalArgumentException(
                "ackStrategy.whileSecondaryAway: missing; use KEEP_WAITING or RELEASE_IMMEDIATELY");
        }
    }

    @Override
    public ReleaseGate newGate(final AckProgress progress)
    {
        validate();
        return new Gate(progress, TimeUnit.MILLISECONDS.toNanos(timeoutMs), onTimeout, whileSecondaryAway);
    }

    @Override
    public void writeMarshallable(final WireOut wire)
    {
        wire.write("timeoutMs").int64(timeoutMs);
        wire.write("onTimeout").text(onTimeout.name());
        wire.write("whileSecondaryAway").text(whileSecondaryAway.name());
    }

    @Override
    public String toString()
    {
        return "!BoundedWait { timeoutMs: " + timeoutMs + ", onTimeout: " + onTimeout +
            ", whileSecondaryAway: " + whileSecondaryAway + " }";
    }

    @Override
    public boolean equals(final Object o)
    {
        if (!(o instanceof BoundedWait))
        {
            return false;
        }
        final BoundedWait that = (BoundedWait)o;
        return timeoutMs == that.timeoutMs && onTimeout == that.onTimeout &&
            whileSecondaryAway == that.whileSecondaryAway;
    }

    @Override
    public int hashCode()
    {
        return (int)timeoutMs * 31 + onTimeout.hashCode() * 7 + whileSecondaryAway.hashCode();
    }

    /** Not thread safe: the session agent's thread only. */
    private static final class Gate implements ReleaseGate
    {
        private final AckProgress progress;
        private final long timeoutNs;
        private final boolean disconnectOnTimeout;
        private final boolean releaseWhileAway;
        private long awayUntilAckedPosition;

        Gate(
            final AckProgress progress,
            final long timeoutNs,
            final OnTimeout onTimeout,
            final WhileSecondaryAway whileSecondaryAway)
        {
            this.progress = progress;
            this.timeoutNs = timeoutNs;
            this.disconnectOnTimeout = onTimeout == OnTimeout.DISCONNECT;
            this.releaseWhileAway = whileSecondaryAway == WhileSecondaryAway.RELEASE_IMMEDIATELY;
        }

        @Override
        public int check(final long position, final long enqueuedNs, final long nowNs)
        {
            final long acked = progress.ackedPosition();
            if (acked >= position)
            {
                return RELEASE;
            }
            if (releaseWhileAway && (acked < awayUntilAckedPosition || !progress.sinkAttached()))
            {
                progress.recordReleasedWhileAway();
                awayUntilAckedPosition = Math.max(awayUntilAckedPosition, position);
                return RELEASE;
            }
            if (nowNs - enqueuedNs >= timeoutNs)
            {
                progress.recordTimeout();
                awayUntilAckedPosition = Math.max(awayUntilAckedPosition, position);
                return disconnectOnTimeout ? DISCONNECT : RELEASE;
            }
            return WAIT;
        }
    }
}
