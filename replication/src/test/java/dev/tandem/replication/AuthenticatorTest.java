package dev.tandem.replication;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
}
