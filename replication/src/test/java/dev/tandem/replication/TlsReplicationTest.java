package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.Tests;
import org.agrona.concurrent.AgentRunner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.assertSameEntries;
import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sinkContext;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS on the replication link, over real loopback sockets with certificates made by keytool for this class: entries
 * and acks flow, a sink whose certificate no trust store holds is refused while the rightful sink attaches, a plain
 * peer and a TLS peer refuse each other, and the steady state's allocation per round trip is reported.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsReplicationTest
{
    private static TestCertificates certificates;
    private final ReplicationFixture fixture = new ReplicationFixture();

    @BeforeAll
    static void makeCertificates()
    {
        certificates = new TestCertificates();
    }

    @AfterAll
    static void deleteCertificates()
    {
        if (certificates != null)
        {
            certificates.close();
        }
    }

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    private static ReplicationSourceContext tlsSource()
    {
        final ReplicationSourceContext context = sourceContext();
        certificates.applyNode(context.tls());
        return context;
    }

    private static ReplicationSinkContext tlsSink(final int port)
    {
        final ReplicationSinkContext context = sinkContext(port);
        certificates.applyNode(context.tls());
        return context;
    }

    @Test
    void shouldReplicateOverTlsWithAcksAndEqualJournals()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        fixture.append(primary, 7, 2000, 200);
        final ReplicationSource source = fixture.track(new ReplicationSource(tlsSource(), primary));
        fixture.closeLater(fixture.run(source));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSink sink = new ReplicationSink(tlsSink(source.port()), replica);
        final AgentRunner sinkRunner = fixture.closeLater(fixture.run(sink));

        // catch-up in large batches (several TLS records per frame), then a live tail of small and large entries
        fixture.append(primary, 7, 2000, 120);
        fixture.append(primary, 8, 300, 3000);
        awaitCaughtUp(source, primary);
        assertTrue(sink.connected());
        assertEquals(4300, source.ackedPosition());
        assertEquals(4300, sink.ackedPosition());
        assertEquals(0, source.refusedConnections(), source.lastRefusal());
        assertEquals(1, source.sinkSessions());
        sinkRunner.close();
        assertSameEntries(primary, replica);
        assertEquals(primary.nextSenderSeqNum(8), replica.nextSenderSeqNum(8));
    }

    @Test
    void shouldRefuseSinkWithUntrustedCertificateWhileRightfulSinkAttaches()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        fixture.append(primary, 1, 100, 150);
        final ReplicationSource source = fixture.track(new ReplicationSource(tlsSource(), primary));
        fixture.closeLater(fixture.run(source));

        final ReplicationSinkContext rogueContext = sinkContext(source.port()).nodeId(3);
        certificates.applyRogue(rogueContext.tls());
        final Journal rogueJournal = fixture.closeLater(openJournal(fixture.newDir("rogue")));
        final ReplicationSink rogue = new ReplicationSink(rogueContext, rogueJournal);
        fixture.closeLater(fixture.run(rogue));
        Tests.await("the rogue sink is refused with TLS_FAILED", AWAIT,
            () -> source.lastRefusalReason() == CloseReason.TLS_FAILED);

        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSink sink = new ReplicationSink(tlsSink(source.port()), replica);
        fixture.closeLater(fixture.run(sink));
        fixture.append(primary, 1, 100, 150);
        awaitCaughtUp(source, primary);
        Tests.await("the rogue sink saw the refusal", AWAIT,
            () -> rogue.lastCloseReason() == CloseReason.TLS_FAILED && rogue.connectAttempts() >= 2);

        assertTrue(sink.connected());
        assertEquals(2, source.sinkNodeId());
        assertEquals(1, source.sinkSessions(), "the rogue never attached");
        assertEquals(0, rogue.sessions());
        assertEquals(0, rogueJournal.lastPosition());
        assertTrue(source.lastRefusal().contains("TLS"), source.lastRefusal());
        assertSameEntries(primary, replica);
    }

    @Test
    void shouldRefusePlainSinkAtTlsSourceAndTlsSinkAtPlainSource()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        fixture.append(primary, 1, 10, 150);
        final ReplicationSource tlsSource = fixture.track(new ReplicationSource(tlsSource(), primary));
        fixture.closeLater(fixture.run(tlsSource));
        final Journal plainReplica = fixture.closeLater(openJournal(fixture.newDir("plain-replica")));
        final ReplicationSink plainSink = new ReplicationSink(sinkContext(tlsSource.port()), plainReplica);
        fixture.closeLater(fixture.run(plainSink));
        Tests.await("the TLS source refuses the plain sink", AWAIT,
            () -> tlsSource.lastRefusalReason() == CloseReason.TLS_FAILED);
        Tests.await("the plain sink knows why", AWAIT, () -> plainSink.lastCloseReason() == CloseReason.TLS_FAILED);
        assertFalse(plainSink.connected());
        assertEquals(0, tlsSource.sinkSessions());

        final Journal other = fixture.closeLater(openJournal(fixture.newDir("other-primary")));
        final ReplicationSource plainSource = fixture.track(new ReplicationSource(sourceContext(), other));
        fixture.closeLater(fixture.run(plainSource));
        final Journal tlsReplica = fixture.closeLater(openJournal(fixture.newDir("tls-replica")));
        final ReplicationSink tlsSink = new ReplicationSink(tlsSink(plainSource.port()), tlsReplica);
        fixture.closeLater(fixture.run(tlsSink));
        Tests.await("the plain source refuses the TLS sink", AWAIT,
            () -> plainSource.lastRefusalReason() == CloseReason.TLS_FAILED);
        assertTrue(plainSource.lastRefusal().contains("speaks TLS"), plainSource.lastRefusal());
        Tests.await("the TLS sink fails TLS", AWAIT, () -> tlsSink.lastCloseReason() == CloseReason.TLS_FAILED);
        assertFalse(tlsSink.connected());
        assertEquals(0, plainSource.sinkSessions());
    }

    @Test
    void shouldRefuseTlsGarbageAtOnceAndStillAttachTheSink() throws Exception
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        fixture.append(primary, 1, 10, 150);
        // a long handshake timeout: the refusal must come from the bytes, not from the clock
        final ReplicationSource source = fixture.track(new ReplicationSource(tlsSource().handshakeTimeoutMs(60_000),
            primary));
        fixture.closeLater(fixture.run(source));
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", source.port()))
        {
            // a handshake record header announcing 65,535 bytes (more than TLS allows), then junk
            final byte[] bytes = new byte[200];
            bytes[0] = 0x16;
            bytes[1] = 0x03;
            bytes[2] = 0x03;
            bytes[3] = (byte)0xFF;
            bytes[4] = (byte)0xFF;
            raw.getOutputStream().write(bytes);
            raw.getOutputStream().flush();
            Tests.await("the source refuses the oversized record", AWAIT,
                () -> source.lastRefusalReason() == CloseReason.TLS_FAILED);
        }
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSink sink = new ReplicationSink(tlsSink(source.port()), replica);
        fixture.closeLater(fixture.run(sink));
        awaitCaughtUp(source, primary);
        assertEquals(1, source.refusedConnections(), source.lastRefusal());
        assertTrue(sink.connected());
    }

    @Test
    void shouldRefuseSourceWhoseCertificateTheSinkDoesNotTrust()
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSourceContext rogueContext = sourceContext();
        certificates.applyRogue(rogueContext.tls());
        final ReplicationSource rogue = fixture.track(new ReplicationSource(rogueContext, primary));
        fixture.closeLater(fixture.run(rogue));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSink sink = new ReplicationSink(tlsSink(rogue.port()), replica);
        fixture.closeLater(fixture.run(sink));
        Tests.await("the sink refuses the untrusted source", AWAIT,
            () -> sink.lastCloseReason() == CloseReason.TLS_FAILED);
        assertFalse(sink.connected());
        assertEquals(0, rogue.sinkSessions());
    }

    @Test
    void shouldReadTlsSectionFromYamlAndNameTheKeyOfABadValue() throws Exception
    {
        final String stores = "keyStore: " + certificates.node + ", keyStorePasswordFile: " +
            certificates.passwordFile + ", trustStore: " + certificates.trustStore + ", trustStorePasswordFile: " +
            certificates.passwordFile;
        final ReplicationSinkContext sink = ReplicationSinkContext.fromYaml("source: \"127.0.0.1:9\"\n" +
            "clusterName: c\nnodeId: 2\nsecretEnv: TANDEM_TEST_UNSET\n" +
            "tls: { " + stores + ", protocols: [ TLSv1.3 ], verifyHostname: false }\n");
        assertEquals(certificates.node.toString(), sink.tls().keyStore());
        assertEquals(List.of("TLSv1.3"), sink.tls().protocols());
        assertFalse(sink.tls().verifyHostname());
        final ReplicationSourceContext source = ReplicationSourceContext.fromYaml("listen: \"127.0.0.1:0\"\n" +
            "clusterName: c\ntls: { " + stores + " }\n");
        source.secret(ReplicationFixture.SECRET).conclude();
        assertTrue(source.tls().active());
        assertFalse(source.toString().contains(TestCertificates.PASSWORD), source.toString());
        assertTrue(source.toString().contains("trustStore="), source.toString());

        final ReplicationSourceContext noTrustPassword = sourceContext();
        noTrustPassword.tls().keyStore(certificates.node.toString())
            .keyStorePasswordFile(certificates.passwordFile.toString()).trustStore(certificates.trustStore.toString());
        final IllegalArgumentException noPassword =
            assertThrows(IllegalArgumentException.class, noTrustPassword::conclude);
        assertTrue(noPassword.getMessage().startsWith("tls.trustStorePasswordFile: missing"), noPassword.getMessage());

        final java.nio.file.Path wrong = fixture.newDir("wrong").resolve("wrong.txt");
        Files.writeString(wrong, "not-the-password");
        final ReplicationSourceContext wrongPassword = sourceContext();
        certificates.applyNode(wrongPassword.tls()).keyStorePasswordFile(wrong.toString());
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, wrongPassword::conclude);
        assertTrue(bad.getMessage().startsWith("tls.keyStore: '" + certificates.node + "' cannot be read"),
            bad.getMessage());
        assertFalse(bad.getMessage().contains("not-the-password"), bad.getMessage());

        final ReplicationSourceContext badProtocol = sourceContext();
        certificates.applyNode(badProtocol.tls()).protocols(List.of("TLSv9"));
        final IllegalArgumentException protocol = assertThrows(IllegalArgumentException.class, badProtocol::conclude);
        assertTrue(protocol.getMessage().startsWith("tls.protocols: 'TLSv9'"), protocol.getMessage());
    }

    /**
     * The TLS data path, stepped on this thread like {@link SteadyStateAllocationTest}: what it allocates per round
     * trip (one data frame out, one ack back, each one TLS record) is reported; the JDK's SSLEngine allocates its
     * result object and record internals per wrap and unwrap, which Tandem's own code does not add to.
     */
    @Test
    void shouldReportAllocationPerRoundTripOverTls()
    {
        final java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean &&
            ((com.sun.management.ThreadMXBean)bean).isThreadAllocatedMemoryEnabled(), "no allocation counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        final long threadId = Thread.currentThread().getId();

        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final Journal replica = fixture.closeLater(openJournal(fixture.newDir("replica")));
        final ReplicationSource source = fixture.closeLater(fixture.track(new ReplicationSource(
            tlsSource().heartbeatIntervalMs(1).heartbeatTimeoutMs(60_000), primary)));
        final ReplicationSink sink = fixture.closeLater(new ReplicationSink(
            tlsSink(source.port()).heartbeatIntervalMs(1).heartbeatTimeoutMs(60_000), replica));
        final ReleaseGate gate = source.newReleaseGate();

        final int rounds = 20_000;
        long perRoundTrip = -1;
        for (int pass = 0; pass < 2; pass++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < rounds; i++)
            {
                fixture.append(primary, 1, 1, 150);
                final long position = primary.lastPosition();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (gate.check(position, 0, 0) != ReleaseGate.RELEASE)
                {
                    source.doWork();
                    sink.doWork();
                    if (System.nanoTime() > deadline)
                    {
                        throw new AssertionError("position " + position + " not acknowledged");
                    }
                }
            }
            perRoundTrip = (threads.getThreadAllocatedBytes(threadId) - before) / rounds;
        }
        System.out.println("TLS steady state: " + perRoundTrip + " bytes allocated per acknowledged round trip " +
            "(data frame + ack, each one TLS record, both ends on this thread)");
        assertEquals(primary.lastPosition(), replica.lastPosition());
        assertEquals(1, sink.sessions());
        // All of it is inside the JDK (JFR's allocation samples show no Tandem frame on top): JDK 17's AES-GCM sets
        // up its GHASH, counter and key copies for every record, about 1.7 KB each, and a round trip is at least
        // four record operations (data wrapped and unwrapped, ack wrapped and unwrapped). The bound catches a
        // buffer allocated per frame (16 KB and more) on our side.
        assertTrue(perRoundTrip < 12_288, perRoundTrip + " bytes per round trip");
    }
}
