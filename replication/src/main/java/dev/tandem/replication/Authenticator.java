package dev.tandem.replication;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Challenge and response with a shared secret (HMAC-SHA256). Each end sends a fresh random nonce and proves it holds
 * the secret by the HMAC of both nonces, the cluster name and the handshake's parameters, under a label that differs
 * per role so a proof can never be reflected back. The secret never leaves this object and is never printed.
 * <p>
 * Not thread safe: one per agent; used only while handshaking.
 */
final class Authenticator
{
    private static final byte SOURCE_LABEL = 'S';
    private static final byte SINK_LABEL = 'K';

    private final Mac mac;
    private final SecureRandom random = new SecureRandom();
    private final byte[] proof = new byte[FrameDescriptor.PROOF_LENGTH];
    private final byte[] received = new byte[FrameDescriptor.PROOF_LENGTH];
    private final byte[] nonceA = new byte[FrameDescriptor.NONCE_LENGTH];
    private final byte[] nonceB = new byte[FrameDescriptor.NONCE_LENGTH];
    private final ByteBuffer numbers = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);

    Authenticator(final byte[] secret)
    {
        try
        {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", ex);
        }
    }

    /** Writes a fresh random nonce. */
    void newNonce(final MutableDirectBuffer buffer, final int offset)
    {
        random.nextBytes(nonceA);
        buffer.putBytes(offset, nonceA);
    }

    /** The source's proof: binds the sink's nonce, the source's nonce, the cluster name, node id and epoch. */
    void sourceProof(
        final DirectBuffer sinkNonce, final int sinkNonceOffset,
        final DirectBuffer sourceNonce, final int sourceNonceOffset,
        final byte[] clusterName, final int sourceNodeId, final long sourceEpoch,
        final MutableDirectBuffer out, final int outOffset)
    {
        numbers.clear();
        numbers.putInt(sourceNodeId).putLong(sourceEpoch).flip();
        compute(SOURCE_LABEL, sinkNonce, sinkNonceOffset, sourceNonce, sourceNonceOffset, clusterName);
        out.putBytes(outOffset, proof);
    }

    boolean verifySourceProof(
        final DirectBuffer sinkNonce, final int sinkNonceOffset,
        final DirectBuffer sourceNonce, final int sourceNonceOffset,
        final byte[] clusterName, final int sourceNodeId, final long sourceEpoch,
        final DirectBuffer claimed, final int claimedOffset)
    {
        numbers.clear();
        numbers.putInt(sourceNodeId).putLong(sourceEpoch).flip();
        compute(SOURCE_LABEL, sinkNonce, sinkNonceOffset, sourceNonce, sourceNonceOffset, clusterName);
        claimed.getBytes(claimedOffset, received);
        return MessageDigest.isEqual(proof, received);
    }

    /** The sink's proof: binds both nonces, the cluster name and what the sink claimed in its hello. */
    void sinkProof(
        final DirectBuffer sourceNonce, final int sourceNonceOffset,
        final DirectBuffer sinkNonce, final int sinkNonceOffset,
        final byte[] clusterName, final int sinkNodeId, final long sinkEpoch, final long nextPosition,
        final long lastChecksum, final long terms, final MutableDirectBuffer out, final int outOffset)
    {
        numbers.clear();
        numbers.putInt(sinkNodeId).putLong(sinkEpoch).putLong(nextPosition).putLong(lastChecksum).putLong(terms)
            .flip();
        compute(SINK_LABEL, sourceNonce, sourceNonceOffset, sinkNonce, sinkNonceOffset, clusterName);
        out.putBytes(outOffset, proof);
    }

    boolean verifySinkProof(
        final DirectBuffer sourceNonce, final int sourceNonceOffset,
        final DirectBuffer sinkNonce, final int sinkNonceOffset,
        final byte[] clusterName, final int sinkNodeId, final long sinkEpoch, final long nextPosition,
        final long lastChecksum, final long terms, final DirectBuffer claimed, final int claimedOffset)
    {
        numbers.clear();
        numbers.putInt(sinkNodeId).putLong(sinkEpoch).putLong(nextPosition).putLong(lastChecksum).putLong(terms)
            .flip();
        compute(SINK_LABEL, sourceNonce, sourceNonceOffset, sinkNonce, sinkNonceOffset, clusterName);
        claimed.getBytes(claimedOffset, received);
        return MessageDigest.isEqual(proof, received);
    }

    private void compute(
        final byte label,
        final DirectBuffer first, final int firstOffset,
        final DirectBuffer second, final int secondOffset,
        final byte[] clusterName)
    {
        first.getBytes(firstOffset, nonceA);
        second.getBytes(secondOffset, nonceB);
        mac.reset();
        mac.update(label);
        mac.update(nonceA);
        mac.update(nonceB);
        mac.update((byte)clusterName.length);
        mac.update(clusterName);
        mac.update(numbers);
        try
        {
            mac.doFinal(proof, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
        Arrays.fill(nonceA, (byte)0);
        Arrays.fill(nonceB, (byte)0);
    }
}
