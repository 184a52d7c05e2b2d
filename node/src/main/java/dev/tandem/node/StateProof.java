package dev.tandem.node;

import dev.tandem.replication.Authenticator;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Proves and checks a node's answer to {@code GET /service/state?nonce=...} with the pair's replication secret, so
 * that only a node holding the secret can make a Hot node step down ({@link DualPrimaryCheck}).
 * <p>
 * The asker sends a fresh random nonce of {@link #NONCE_HEX_LENGTH} lower-case hex characters; the answering node adds
 * {@code "proof"}: the hex of HMAC-SHA256 keyed with the secret (the replication module's {@link Authenticator}, label
 * {@code 'A'}) over the canonical statement
 * <pre>
 * tandem-state-v1 \n nonce \n clusterName \n nodeId \n mode \n epoch
 * </pre>
 * (decimal numbers, the mode's name, {@code '\n'} between fields and no spaces). The asker recomputes it over the nonce
 * it sent, its own cluster name and the nodeId, mode and epoch the answer states. A recorded answer is worthless for
 * another nonce; an answer from a node of another cluster or with another secret does not verify.
 * <p>
 * Threading: thread safe; the admin server's workers and the check's thread share one instance (the HMAC is guarded by
 * this object's monitor, a few microseconds per call, never on a FIX thread).
 */
final class StateProof
{
    /** 16 random bytes: an answer recorded once is never asked for again. */
    static final int NONCE_HEX_LENGTH = 32;
    private static final String VERSION = "tandem-state-v1";
    private static final HexFormat HEX = HexFormat.of();

    private final Authenticator authenticator;
    private final String clusterName;
    private final SecureRandom random = new SecureRandom();

    private StateProof(final Authenticator authenticator, final String clusterName)
    {
        this.authenticator = authenticator;
        this.clusterName = clusterName;
    }

    /**
     * The proof of a node that replicates, with the secret and cluster name of its {@code replication} section (read
     * now, as its link reads them at start); null for a node without one, which can neither prove nor check.
     */
    static StateProof of(final NodeConfig config)
    {
        final ReplicationConfig replication = config.replication();
        if (replication == null)
        {
            return null;
        }
        final Authenticator authenticator = config.role() == Role.PRIMARY ?
            Authenticator.of(replication.sourceContext(config.nodeId(), 0).conclude()) :
            Authenticator.of(replication.sinkContext(config.nodeId(), 0).conclude());
        return new StateProof(authenticator, replication.clusterName());
    }

    /** A fresh random nonce, {@link #NONCE_HEX_LENGTH} lower-case hex characters. */
    String newNonce()
    {
        final byte[] bytes = new byte[NONCE_HEX_LENGTH / 2];
        synchronized (random)
        {
            random.nextBytes(bytes);
        }
        return HEX.formatHex(bytes);
    }

    /** True for a nonce this class would send: {@link #NONCE_HEX_LENGTH} hex characters. */
    static boolean isNonce(final String nonce)
    {
        if (nonce == null || nonce.length() != NONCE_HEX_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++)
        {
            if (Character.digit(nonce.charAt(i), 16) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /** The hex proof of this answer to {@code nonce} (which must satisfy {@link #isNonce}). */
    String prove(final String nonce, final int nodeId, final NodeMode mode, final long epoch)
    {
        final byte[] statement = statement(nonce, nodeId, mode, epoch);
        final byte[] proof;
        synchronized (this)
        {
            proof = authenticator.statementProof(statement);
        }
        return HEX.formatHex(proof);
    }

    /**
     * True when {@code proofHex} proves that a node holding our secret, in our cluster, answered {@code nonce} with
     * {@code nodeId}, {@code mode} and {@code epoch}; compared in constant time. False for a missing or malformed
     * proof.
     */
    boolean verify(
        final String nonce, final int nodeId, final NodeMode mode, final long epoch, final String proofHex)
    {
        if (proofHex == null || proofHex.length() != 2 * Authenticator.PROOF_LENGTH || !isNonce(nonce))
        {
            return false;
        }
        final byte[] claimed;
        try
        {
            claimed = HEX.parseHex(proofHex);
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
        final byte[] statement = statement(nonce, nodeId, mode, epoch);
        synchronized (this)
        {
            return authenticator.verifyStatement(statement, claimed);
        }
    }

    /** True when {@code peer}'s proof verifies for what it states, asked with {@code nonce}. */
    boolean verify(final String nonce, final PeerCheck.Result peer)
    {
        return verify(nonce, peer.nodeId(), peer.mode(), peer.epoch(), peer.proof());
    }

    private byte[] statement(final String nonce, final int nodeId, final NodeMode mode, final long epoch)
    {
        return (VERSION + '\n' + nonce.toLowerCase(Locale.ROOT) + '\n' + clusterName + '\n' + nodeId + '\n' +
            mode.name() + '\n' + epoch).getBytes(StandardCharsets.US_ASCII);
    }
}
