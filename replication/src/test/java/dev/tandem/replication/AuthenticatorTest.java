package dev.tandem.replication;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticatorTest
{
    private static final byte[] SECRET = "0123456789abcdef-shared".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLUSTER = "c1".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldAcceptOnlyProofsMadeWithTheSameSecretAndParameters()
    {
        final Authenticator source = new Authenticator(SECRET);
        final Authenticator sink = new Authenticator(SECRET.clone());
        final Authenticator stranger = new Authenticator("another secret of some length".getBytes());
        final UnsafeBuffer sinkNonce = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer sourceNonce = new UnsafeBuffer(new byte[16]);
        sink.newNonce(sinkNonce, 0);
        source.newNonce(sourceNonce, 0);
        final UnsafeBuffer proof = new UnsafeBuffer(new byte[32]);

        source.sourceProof(sinkNonce, 0, sourceNonce, 0, CLUSTER, 1, 7, proof, 0);
        assertTrue(sink.verifySourceProof(sinkNonce, 0, sourceNonce, 0, CLUSTER, 1, 7, proof, 0));
        assertFalse(sink.verifySourceProof(sinkNonce, 0, sourceNonce, 0, CLUSTER, 1, 8, proof, 0), "epoch bound");
        assertFalse(stranger.verifySourceProof(sinkNonce, 0, sourceNonce, 0, CLUSTER, 1, 7, proof, 0));
        assertFalse(source.verifySinkProof(sourceNonce, 0, sinkNonce, 0, CLUSTER, 1, 7, 1, 0, 0, proof, 0),
            "a source proof is never a sink proof");

        sink.sinkProof(sourceNonce, 0, sinkNonce, 0, CLUSTER, 2, 7, 100, 12345, 0, proof, 0);
        assertTrue(source.verifySinkProof(sourceNonce, 0, sinkNonce, 0, CLUSTER, 2, 7, 100, 12345, 0, proof, 0));
        assertFalse(source.verifySinkProof(sourceNonce, 0, sinkNonce, 0, CLUSTER, 2, 7, 101, 12345, 0, proof, 0),
            "next position bound");
        assertFalse(stranger.verifySinkProof(sourceNonce, 0, sinkNonce, 0, CLUSTER, 2, 7, 100, 12345, 0, proof, 0));
    }

    @Test
    void shouldProveAStatementOnlyWithTheSameSecretAndNeverAsAHandshakeProof()
    {
        final ReplicationSinkContext context = new ReplicationSinkContext().clusterName("c1").source("127.0.0.1:1")
            .secret(SECRET).conclude();
        final Authenticator node = Authenticator.of(context);
        final Authenticator peer = new Authenticator(SECRET.clone());
        final Authenticator stranger = new Authenticator("another secret of some length".getBytes());
        final byte[] statement = "nonce|c1|2|Hot|7".getBytes(StandardCharsets.US_ASCII);

        final byte[] proof = node.statementProof(statement);
        assertEquals(Authenticator.PROOF_LENGTH, proof.length);
        assertTrue(peer.verifyStatement(statement, proof));
        assertFalse(peer.verifyStatement("nonce|c1|2|Hot|8".getBytes(StandardCharsets.US_ASCII), proof),
            "bound to every byte of the statement");
        assertFalse(stranger.verifyStatement(statement, proof));
        assertFalse(peer.verifyStatement(statement, Arrays.copyOf(proof, 31)), "a short proof");
        assertFalse(peer.verifyStatement(statement, null));

        // a source's handshake proof is never a statement proof, not even of the statement that is exactly the bytes
        // that proof covers after its label
        final UnsafeBuffer nonce = new UnsafeBuffer(new byte[16]);
        final UnsafeBuffer handshake = new UnsafeBuffer(new byte[32]);
        node.sourceProof(nonce, 0, nonce, 0, CLUSTER, 2, 7, handshake, 0);
        final ByteBuffer covered = ByteBuffer.allocate(16 + 16 + 1 + CLUSTER.length + 4 + 8)
            .order(ByteOrder.LITTLE_ENDIAN);
        covered.put(new byte[32]).put((byte)CLUSTER.length).put(CLUSTER).putInt(2).putLong(7);
        assertFalse(peer.verifyStatement(covered.array(), handshake.byteArray()));

        assertThrows(IllegalStateException.class,
            () -> Authenticator.of(new ReplicationSinkContext().clusterName("c1").secret(SECRET)),
            "a context not concluded has no secret yet");
    }
}
