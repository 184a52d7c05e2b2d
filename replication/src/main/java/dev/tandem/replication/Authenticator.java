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
 * Public for one use outside the link: a node proves its answer to a peer's question about its state (the node's
 * admin API) with the same secret, through {@link #of(ReplicationSourceContext)} or
 * {@link #of(ReplicationSinkContext)}, {@link #statementProof} and {@link #verifyStatement}, under a label of its own
 * ({@code 'A'}) so that such a proof and a handshake proof can never stand in for each other.
 * <p>
 * Not thread safe: one per agent, used only while handshaking; one per user (or guarded by its user) outside the link.
 */
public final class Authenticator
{
    /** Length of a proof in bytes: an HMAC-SHA256. */
    public static final int PROOF_LENGTH = FrameDescriptor.PROOF_LENGTH;

    private static final byte SOURCE_LABEL = 'S';
    private static final byte SINK_LABEL = 'K';
    private static final byte STATEMENT_LABEL = 'A';

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

    /**
     * An authenticator holding the secret of a concluded source context (its {@code secret}, {@code secretFile} or
     * {@code secretEnv}, as read by {@link ReplicationSourceContext#conclude()}).
     *
     * @throws IllegalStateException when the context has not been concluded.
     */
    public static Authenticator of(final ReplicationSourceContext concluded)
    {
        return ofSecret(concluded.resolvedSecret());
    }

    /** As {@link #of(ReplicationSourceContext)}, for a concluded sink context. */
    public static Authenticator of(final ReplicationSinkContext concluded)
    {
        return ofSecret(concluded.resolvedSecret());
    }

    private static Authenticator ofSecret(final byte[] secret)
    {
        if (secret == null)
        {
            throw new IllegalStateException("the context is not concluded: call conclude() first");
        }
        return new Authenticator(secret);
    }

    /**
     * The proof of a statement made outside the replication link: HMAC-SHA256 of the secret over {@code 'A'} and
     * {@code statement}. The caller makes the statement canonical (one encoding of each value, a fresh nonce of the
     * asker's in it); this method only binds it to the secret.
     *
     * @return a new array of {@link #PROOF_LENGTH} bytes.
     */
    public byte[] statementProof(final byte[] statement)
    {
        final byte[] out = new byte[PROOF_LENGTH];
        computeStatement(statement, out);
        return out;
    }

    /**
     * True when {@code claimed} is the proof of {@code statement}; compared in constant time. A claimed proof of the
     * wrong length is false.
     */
    public boolean verifyStatement(final byte[] statement, final byte[] claimed)
    {
        final byte[] expected = new byte[PROOF_LENGTH];
        computeStatement(statement, expected);
        return claimed != null && MessageDigest.isEqual(expected, claimed);
    }

    private void computeStatement(final byte[] statement, final byte[] out)
    {
        mac.reset();
        mac.update(STATEMENT_LABEL);
        mac.update(statement);
        try
        {
            mac.doFinal(out, 0);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
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
