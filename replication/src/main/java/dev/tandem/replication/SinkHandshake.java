package dev.tandem.replication;

import org.agrona.concurrent.UnsafeBuffer;

import static dev.tandem.replication.FrameDescriptor.*;

/**
 * The sink's side of the handshake: says hello (protocol, cluster, node, epoch, where its journal ends, a nonce),
 * checks the source's challenge (version and proof of the shared secret), answers with its own proof, and checks the
 * welcome. A source at a lower epoch still gets the answer, so it learns of the higher epoch and fences itself; its
 * welcome is then refused.
 * <p>
 * Threading: owned by the sink's agent; {@link #sourceEpoch()} and {@link #sourceNodeId()} are volatile reads, safe
 * from any thread.
 */
final class SinkHandshake
{
    /** {@link #onFrame}: the challenge was answered; a welcome is awaited. */
    static final int ANSWERED = 0;
    /** {@link #onFrame}: the welcome arrived; streaming starts at {@link #nextPosition()}. */
    static final int WELCOMED = 1;
    /** {@link #onFrame}: the handshake failed; {@link #failReason()} and {@link #failText()} say why. */
    static final int FAILED = -1;

    private static final int AWAIT_CHALLENGE = 0;
    private static final int AWAIT_WELCOME = 1;

    private final ReplicationSinkContext context;
    private final Authenticator authenticator;
    private final byte[] clusterName;
    private final UnsafeBuffer sinkNonce = new UnsafeBuffer(new byte[NONCE_LENGTH]);

    private int step;
    private long helloNextPosition;
    private long helloChecksum;
    private long helloEpoch;
    private boolean sourceStale;
    private long welcomeSourceLast;
    private long welcomeLossBound;
    private long helloTerms;
    private CloseReason failReason;
    private String failText;

    private volatile long sourceEpoch = -1;
    private volatile int sourceNodeId = -1;

    SinkHandshake(final ReplicationSinkContext context)
    {
        this.context = context;
        this.clusterName = context.link().clusterNameBytes();
        this.authenticator = new Authenticator(context.resolvedSecret());
    }

    /**
     * Starts a handshake: queues the hello in {@code channel} (not flushed).
     *
     * @param nextPosition the first position this sink asks for.
     * @param lastChecksum the checksum of the entry before it, 0 if none.
     * @param epoch        the epoch this sink announces and requires of the source.
     */
    void sendHello(final FrameChannel channel, final long nextPosition, final long lastChecksum, final long epoch)
    {
        helloNextPosition = nextPosition;
        helloChecksum = lastChecksum;
        helloEpoch = epoch;
        final int length = helloLength(clusterName.length);
        final int at = channel.claim(length);
        final UnsafeBuffer out = channel.sendBuffer();
        header(out, at, length, TYPE_HELLO);
        out.putInt(at + HELLO_MAGIC_OFFSET, MAGIC, ORDER);
        out.putInt(at + HELLO_VERSION_OFFSET, PROTOCOL_VERSION, ORDER);
        out.putInt(at + HELLO_NODE_ID_OFFSET, context.nodeId(), ORDER);
        out.putLong(at + HELLO_EPOCH_OFFSET, helloEpoch, ORDER);
        out.putLong(at + HELLO_NEXT_POSITION_OFFSET, helloNextPosition, ORDER);
        out.putLong(at + HELLO_LAST_CHECKSUM_OFFSET, helloChecksum, ORDER);
        out.putInt(at + HELLO_MAX_FRAME_OFFSET, context.maxFrameLengthBytes(), ORDER);
        // a probe grants no lease: it is never the secondary, so it promises nothing about activation
        final int kind = context.probe() ? KIND_PROBE : KIND_SINK;
        final int leaseMs = context.probe() ? 0 : (int)context.leaseMs();
        helloTerms = helloTerms(kind, leaseMs);
        out.putInt(at + HELLO_KIND_OFFSET, kind, ORDER);
        out.putInt(at + HELLO_LEASE_MS_OFFSET, leaseMs, ORDER);
        authenticator.newNonce(out, at + HELLO_NONCE_OFFSET);
        out.getBytes(at + HELLO_NONCE_OFFSET, sinkNonce, 0, NONCE_LENGTH);
        out.putShort(at + HELLO_CLUSTER_LENGTH_OFFSET, (short)clusterName.length, ORDER);
        out.putBytes(at + HELLO_CLUSTER_OFFSET, clusterName);
        channel.commit(at, length);
        step = AWAIT_CHALLENGE;
    }

    /**
     * Handles a frame (other than a close) that arrived during the handshake; an answer goes into {@code channel}.
     *
     * @return {@link #ANSWERED}, {@link #WELCOMED} or {@link #FAILED}.
     */
    int onFrame(
        final FrameChannel channel, final UnsafeBuffer buffer, final int offset, final int length, final int type)
    {
        if (step == AWAIT_CHALLENGE)
        {
            return onChallenge(channel, buffer, offset, length, type);
        }
        if (type != TYPE_WELCOME || length != WELCOME_LENGTH)
        {
            return fail(CloseReason.PROTOCOL_ERROR, "expected a welcome frame, got type " + type);
        }
        final long start = buffer.getLong(offset + WELCOME_START_POSITION_OFFSET, ORDER);
        if (start != helloNextPosition)
        {
            return fail(CloseReason.PROTOCOL_ERROR, "welcome starts at " + start + " but " + helloNextPosition +
                " was asked for");
        }
        if (sourceStale)
        {
            return fail(CloseReason.STALE_EPOCH, "source node " + sourceNodeId + " is at epoch " + sourceEpoch +
                "; this sink has seen epoch " + helloEpoch + ": the source is a stale primary");
        }
        welcomeSourceLast = buffer.getLong(offset + WELCOME_SOURCE_LAST_POSITION_OFFSET, ORDER);
        welcomeLossBound = buffer.getLong(offset + WELCOME_LOSS_BOUND_OFFSET, ORDER);
        if (welcomeLossBound < 0)
        {
            return fail(CloseReason.PROTOCOL_ERROR, "welcome announces a negative loss bound " + welcomeLossBound);
        }
        return WELCOMED;
    }

    private int onChallenge(
        final FrameChannel channel, final UnsafeBuffer buffer, final int offset, final int length, final int type)
    {
        if (type != TYPE_CHALLENGE || length != CHALLENGE_LENGTH)
        {
            return fail(CloseReason.PROTOCOL_ERROR, "expected a challenge frame, got type " + type + " of " +
                length + " bytes");
        }
        final int version = buffer.getInt(offset + CHALLENGE_VERSION_OFFSET, ORDER);
        if (version != PROTOCOL_VERSION)
        {
            return fail(CloseReason.BAD_VERSION, "source speaks protocol version " + version +
                "; this sink speaks " + PROTOCOL_VERSION);
        }
        final int nodeId = buffer.getInt(offset + CHALLENGE_NODE_ID_OFFSET, ORDER);
        final long theirEpoch = buffer.getLong(offset + CHALLENGE_EPOCH_OFFSET, ORDER);
        if (!authenticator.verifySourceProof(sinkNonce, 0, buffer, offset + CHALLENGE_NONCE_OFFSET, clusterName,
            nodeId, theirEpoch, buffer, offset + CHALLENGE_PROOF_OFFSET))
        {
            return fail(CloseReason.AUTH_FAILED, "the source at " + context.source() +
                " could not prove the shared secret");
        }
        sourceNodeId = nodeId;
        sourceEpoch = theirEpoch;
        // A stale source still gets our authenticated answer, so it learns of the higher epoch and fences itself;
        // it then refuses us, and a welcome from it is refused here.
        sourceStale = theirEpoch < helloEpoch;
        final int at = channel.claim(AUTH_LENGTH);
        final UnsafeBuffer out = channel.sendBuffer();
        header(out, at, AUTH_LENGTH, TYPE_AUTH);
        authenticator.sinkProof(buffer, offset + CHALLENGE_NONCE_OFFSET, sinkNonce, 0, clusterName,
            context.nodeId(), helloEpoch, helloNextPosition, helloChecksum, helloTerms, out, at + AUTH_PROOF_OFFSET);
        channel.commit(at, AUTH_LENGTH);
        step = AWAIT_WELCOME;
        return ANSWERED;
    }

    private int fail(final CloseReason reason, final String text)
    {
        failReason = reason;
        failText = text;
        return FAILED;
    }

    /** The position streaming starts at: the one asked for in the hello and confirmed by the welcome. */
    long nextPosition()
    {
        return helloNextPosition;
    }

    /** The source's last position as its welcome said. */
    long welcomeSourceLast()
    {
        return welcomeSourceLast;
    }

    /** The loss bound the source announced in its welcome, in journal entries (0: it never releases unacked). */
    long welcomeLossBound()
    {
        return welcomeLossBound;
    }

    CloseReason failReason()
    {
        return failReason;
    }

    String failText()
    {
        return failText;
    }

    /** The epoch the source announced in the last challenge (authenticated), -1 before any. */
    long sourceEpoch()
    {
        return sourceEpoch;
    }

    /** The node id the source announced in the last challenge (authenticated), -1 before any. */
    int sourceNodeId()
    {
        return sourceNodeId;
    }
}
