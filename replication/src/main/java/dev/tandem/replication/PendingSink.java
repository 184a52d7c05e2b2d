package dev.tandem.replication;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

import static dev.tandem.replication.FrameDescriptor.*;

/**
 * A connection on the source that has not yet proved itself: it must say hello in our protocol and cluster, and
 * answer the challenge, before its handshake deadline. Holds what the sink claimed until it is promoted.
 * <p>
 * Not thread safe: owned by the source's agent.
 */
final class PendingSink implements FrameChannel.FrameHandler
{
    static final int AWAIT_HELLO = 0;
    static final int AWAIT_AUTH = 1;
    static final int AUTHENTICATED = 2;
    static final int REFUSED = 3;

    final FrameChannel channel = new FrameChannel(MAX_SINK_FRAME_LENGTH * 4, MAX_SINK_FRAME_LENGTH * 2)
        .maxFrameLength(MAX_SINK_FRAME_LENGTH);
    final String remote;
    final InetAddress remoteAddress;
    final long deadlineNs;
    final UnsafeBuffer sinkNonce = new UnsafeBuffer(new byte[NONCE_LENGTH]);
    final UnsafeBuffer sourceNonce = new UnsafeBuffer(new byte[NONCE_LENGTH]);
    int state = AWAIT_HELLO;
    int sinkNodeId;
    long sinkEpoch;
    long nextPosition;
    long lastChecksum;
    int sinkMaxFrameLength;
    /** A fencing probe: answered with our epoch and closed, never streamed to. */
    boolean probe;
    /** The lease the sink grants, in milliseconds: it will not activate before our last contact + this + margin. */
    int leaseMs;
    CloseReason refusal;
    String refusalText;

    private final Authenticator authenticator;
    private final byte[] clusterName;
    private int sourceNodeId;
    private long sourceEpoch;

    PendingSink(
        final SocketChannel socket,
        final String remote,
        final InetAddress remoteAddress,
        final long deadlineNs,
        final Authenticator authenticator,
        final byte[] clusterName,
        final TlsChannel tls)
    {
        channel.reset(socket, tls);
        this.remote = remote;
        this.remoteAddress = remoteAddress;
        this.deadlineNs = deadlineNs;
        this.authenticator = authenticator;
        this.clusterName = clusterName;
    }

    /**
     * Reads and handles what arrived (with TLS: first advances the TLS handshake); afterwards {@link #state} tells
     * what to do.
     */
    void poll(final int sourceNodeId, final long sourceEpoch)
    {
        this.sourceNodeId = sourceNodeId;
        this.sourceEpoch = sourceEpoch;
        try
        {
            final int read = channel.read();
            if (read < 0)
            {
                refuse(CloseReason.CONNECTION_LOST, "closed by the peer during the handshake");
                return;
            }
            if (state == AWAIT_HELLO && channel.tls() == null && channel.startsLikeTls())
            {
                refuse(CloseReason.TLS_FAILED, "the peer speaks TLS; this source is plain (no tls section)");
                return;
            }
            final int status = channel.poll(this, 4);
            if (status == FrameChannel.BAD_LENGTH)
            {
                final long length = channel.lastBadLength();
                if (length > MAX_SINK_FRAME_LENGTH)
                {
                    refuse(CloseReason.FRAME_TOO_LONG, "frame of " + length + " bytes; a sink's frames are at most " +
                        MAX_SINK_FRAME_LENGTH);
                }
                else
                {
                    refuse(CloseReason.PROTOCOL_ERROR, "frame length " + length + " is below the header length");
                }
            }
            else if (status == FrameChannel.BAD_CHECKSUM)
            {
                refuse(CloseReason.PROTOCOL_ERROR, "frame checksum mismatch (not our protocol, or corrupted)");
            }
            channel.flush();
        }
        catch (final javax.net.ssl.SSLException ex)
        {
            refuse(CloseReason.TLS_FAILED, "TLS handshake failed: " + ex.getMessage());
        }
        catch (final IOException ex)
        {
            refuse(CloseReason.CONNECTION_LOST, "I/O error during the handshake: " + ex.getMessage());
        }
    }

    @Override
    public boolean onFrame(final UnsafeBuffer buffer, final int offset, final int length, final int type)
    {
        if (type == TYPE_CLOSE && length >= CLOSE_TEXT_OFFSET)
        {
            return refuse(CloseReason.ofCode(buffer.getInt(offset + CLOSE_REASON_OFFSET, ORDER)),
                "closed by the peer during the handshake: " + closeText(buffer, offset, length));
        }
        if (state == AWAIT_HELLO)
        {
            return onHello(buffer, offset, length, type);
        }
        if (state == AWAIT_AUTH)
        {
            if (type != TYPE_AUTH || length != AUTH_LENGTH)
            {
                return refuse(CloseReason.PROTOCOL_ERROR, "expected an auth frame, got type " + type);
            }
            if (!authenticator.verifySinkProof(
                sourceNonce, 0, sinkNonce, 0, clusterName, sinkNodeId, sinkEpoch, nextPosition, lastChecksum,
                helloTerms(probe ? KIND_PROBE : KIND_SINK, leaseMs), buffer, offset + AUTH_PROOF_OFFSET))
            {
                return refuse(CloseReason.AUTH_FAILED, "the sink's proof does not match the shared secret");
            }
            state = AUTHENTICATED;
            return false;
        }
        return refuse(CloseReason.PROTOCOL_ERROR, "unexpected frame type " + type + " during the handshake");
    }

    private boolean onHello(final UnsafeBuffer buffer, final int offset, final int length, final int type)
    {
        if (type != TYPE_HELLO || length < HELLO_MIN_LENGTH)
        {
            return refuse(CloseReason.PROTOCOL_ERROR, "expected a hello frame, got type " + type);
        }
        if (buffer.getInt(offset + HELLO_MAGIC_OFFSET, ORDER) != MAGIC)
        {
            return refuse(CloseReason.PROTOCOL_ERROR, "bad magic: not a Tandem replication sink");
        }
        final int version = buffer.getInt(offset + HELLO_VERSION_OFFSET, ORDER);
        if (version != PROTOCOL_VERSION)
        {
            return refuse(CloseReason.BAD_VERSION,
                "sink speaks protocol version " + version + "; this source speaks " + PROTOCOL_VERSION);
        }
        if (length < HELLO_CLUSTER_OFFSET)
        {
            return refuse(CloseReason.PROTOCOL_ERROR, "hello frame too short: " + length);
        }
        final int clusterLength = buffer.getShort(offset + HELLO_CLUSTER_LENGTH_OFFSET, ORDER);
        if (clusterLength < 0 || clusterLength > MAX_CLUSTER_NAME_LENGTH || helloLength(clusterLength) != length)
        {
            return refuse(CloseReason.PROTOCOL_ERROR, "hello frame has a bad cluster name length " + clusterLength);
        }
        boolean sameCluster = clusterLength == clusterName.length;
        for (int i = 0; sameCluster && i < clusterLength; i++)
        {
            sameCluster = buffer.getByte(offset + HELLO_CLUSTER_OFFSET + i) == clusterName[i];
        }
        if (!sameCluster)
        {
            return refuse(CloseReason.BAD_CLUSTER, "sink is in cluster '" +
                printable(buffer, offset + HELLO_CLUSTER_OFFSET, clusterLength) + "'; this source is in '" +
                new String(clusterName, java.nio.charset.StandardCharsets.US_ASCII) + "'");
        }
        sinkNodeId = buffer.getInt(offset + HELLO_NODE_ID_OFFSET, ORDER);
        sinkEpoch = buffer.getLong(offset + HELLO_EPOCH_OFFSET, ORDER);
        nextPosition = buffer.getLong(offset + HELLO_NEXT_POSITION_OFFSET, ORDER);
        lastChecksum = buffer.getLong(offset + HELLO_LAST_CHECKSUM_OFFSET, ORDER);
        sinkMaxFrameLength = buffer.getInt(offset + HELLO_MAX_FRAME_OFFSET, ORDER);
        buffer.getBytes(offset + HELLO_NONCE_OFFSET, sinkNonce, 0, NONCE_LENGTH);
        final int kind = buffer.getInt(offset + HELLO_KIND_OFFSET, ORDER);
        leaseMs = buffer.getInt(offset + HELLO_LEASE_MS_OFFSET, ORDER);
        probe = kind == KIND_PROBE;
        if (nextPosition < 1 || sinkMaxFrameLength < 4096 || (kind != KIND_SINK && kind != KIND_PROBE) || leaseMs < 0)
        {
            return refuse(CloseReason.PROTOCOL_ERROR, "hello frame has next position " + nextPosition +
                ", max frame length " + sinkMaxFrameLength + ", kind " + kind + " and lease " + leaseMs + " ms");
        }

        final int at = channel.claim(CHALLENGE_LENGTH);
        final UnsafeBuffer out = channel.sendBuffer();
        header(out, at, CHALLENGE_LENGTH, TYPE_CHALLENGE);
        out.putInt(at + CHALLENGE_VERSION_OFFSET, PROTOCOL_VERSION, ORDER);
        out.putInt(at + CHALLENGE_NODE_ID_OFFSET, sourceNodeId, ORDER);
        out.putLong(at + CHALLENGE_EPOCH_OFFSET, sourceEpoch, ORDER);
        authenticator.newNonce(out, at + CHALLENGE_NONCE_OFFSET);
        out.getBytes(at + CHALLENGE_NONCE_OFFSET, sourceNonce, 0, NONCE_LENGTH);
        authenticator.sourceProof(sinkNonce, 0, sourceNonce, 0, clusterName, sourceNodeId, sourceEpoch,
            out, at + CHALLENGE_PROOF_OFFSET);
        channel.commit(at, CHALLENGE_LENGTH);
        state = AWAIT_AUTH;
        return true;
    }

    /** Still proving itself: neither authenticated nor refused. */
    boolean isHandshaking()
    {
        return state == AWAIT_HELLO || state == AWAIT_AUTH;
    }

    boolean refuse(final CloseReason reason, final String text)
    {
        if (state != REFUSED)
        {
            state = REFUSED;
            refusal = reason;
            refusalText = text;
        }
        return false;
    }

    static String printable(final UnsafeBuffer buffer, final int offset, final int length)
    {
        final StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            text.append(b > 32 && b < 127 ? (char)b : '?');
        }
        return text.toString();
    }
}
