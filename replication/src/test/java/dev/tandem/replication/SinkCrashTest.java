package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.test.ChildJvm;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.tandem.replication.ReplicationFixture.AWAIT;
import static dev.tandem.replication.ReplicationFixture.assertSameEntries;
import static dev.tandem.replication.ReplicationFixture.awaitCaughtUp;
import static dev.tandem.replication.ReplicationFixture.openJournal;
import static dev.tandem.replication.ReplicationFixture.sourceContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink's process is SIGKILLed under load and restarted: it catches up exactly. */
class SinkCrashTest
{
    private final ReplicationFixture fixture = new ReplicationFixture();

    @AfterEach
    void after()
    {
        fixture.close();
        fixture.assertNoAgentErrors();
    }

    @Test
    void shouldCatchUpExactlyAfterSinkProcessIsKilledUnderLoad() throws Exception
    {
        final Journal primary = fixture.closeLater(openJournal(fixture.newDir("primary")));
        final ReplicationSource source = fixture.track(new ReplicationSource(sourceContext(), primary));
        fixture.closeLater(fixture.run(source));
        final Path replicaDir = fixture.newDir("replica");
        final Path secretFile = fixture.newDir("secret").resolve("replication.secret");
        Files.write(secretFile, (new String(ReplicationFixture.SECRET, "US-ASCII") + "\n").getBytes("US-ASCII"));
        final String[] args = { replicaDir.toString(), Integer.toString(source.port()), secretFile.toString() };

        try (ChildJvm child = ChildJvm.start("sink-1", SinkMain.class, List.of(), args))
        {
            child.awaitLine("SINK-STARTED 0", Duration.ofSeconds(60));
            fixture.append(primary, 5, 1000, 200);
            awaitCaughtUp(source, primary);
            for (int i = 0; i < 50; i++)
            {
                fixture.append(primary, 5, 100, 200);
            }
            child.kill();
        }
        fixture.append(primary, 5, 3000, 200);
        final long ackedBeforeRestart = source.ackedPosition();

        try (ChildJvm child = ChildJvm.start("sink-2", SinkMain.class, List.of(), args))
        {
            final String started = child.awaitLine("SINK-STARTED ", Duration.ofSeconds(60));
            final long recovered = Long.parseLong(started.substring("SINK-STARTED ".length()).trim());
            assertTrue(recovered >= ackedBeforeRestart, "acked entries survived the kill: recovered " + recovered +
                ", acked " + ackedBeforeRestart);
            fixture.append(primary, 5, 1000, 200);
            awaitCaughtUp(source, primary);
            assertEquals(recovered + 1, source.catchUpStartPosition());
            child.kill();
        }
        try (Journal replica = openJournal(replicaDir))
        {
            assertSameEntries(primary, replica);
            assertEquals(primary.nextSenderSeqNum(5), replica.nextSenderSeqNum(5));
        }
    }
}
