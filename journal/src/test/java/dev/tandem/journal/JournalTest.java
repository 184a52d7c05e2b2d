package dev.tandem.journal;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.tandem.test.Tests;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class JournalTest
{
    private static final long SESSION_A = 7;
    private static final long SESSION_B = 42;

    private Path dir;

    @BeforeEach
    void setUp()
    {
        dir = Tests.tempDir("journal");
    }

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    static String fix(final int seqNum)
    {
        return "8=FIX.4.4\u00019=99\u000135=D\u000134=" + seqNum + "\u000149=ISLD\u000156=TW\u000111=order" + seqNum +
            "\u000110=000\u0001";
    }

    static UnsafeBuffer bytes(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }

    static String text(final JournalEntry entry)
    {
        final byte[] out = new byte[entry.messageLength()];
        entry.messageBuffer().getBytes(entry.messageOffset(), out);
        return new String(out, StandardCharsets.US_ASCII);
    }

    private JournalContext context(final Persistence persistence)
    {
        return new JournalContext().dir(dir.toString()).persistence(persistence);
    }

    private static long append(final Journal journal, final long session, final Direction direction, final int seq)
    {
        final UnsafeBuffer message = bytes(fix(seq));
        return journal.appendMessage(session, direction, seq, 1_000L * seq, 0, message, 0, message.capacity());
    }

    @ParameterizedTest
    @EnumSource(Persistence.class)
    void shouldRecoverSeqNumsAndMessagesAfterReopen(final Persistence persistence)
    {
        try (Journal journal = Journal.open(context(persistence)))
        {
            assertEquals(0, journal.lastPosition());
            assertEquals(1, journal.nextSenderSeqNum(SESSION_A));
            assertEquals(1, journal.nextTargetSeqNum(SESSION_A));
            for (int seq = 1; seq <= 10; seq++)
            {
                assertEquals(2L * seq - 1, append(journal, SESSION_A, Direction.OUTBOUND, seq));
                assertEquals(2L * seq, append(journal, SESSION_B, Direction.INBOUND, seq));
            }
            assertEquals(11, journal.nextSenderSeqNum(SESSION_A));
            assertEquals(1, journal.nextTargetSeqNum(SESSION_A));
            assertEquals(11, journal.nextTargetSeqNum(SESSION_B));
            assertEquals(20, journal.lastPosition());
        }

        try (Journal journal = Journal.open(context(persistence)))
        {
            assertEquals(20, journal.lastPosition());
            assertEquals(11, journal.nextSenderSeqNum(SESSION_A));
            assertEquals(1, journal.nextSenderSeqNum(SESSION_B));
            assertEquals(11, journal.nextTargetSeqNum(SESSION_B));
            final List<String> resent = new ArrayList<>();
            assertEquals(3, journal.readOutbound(SESSION_A, 4, 6, e -> resent.add(text(e))));
            assertEquals(List.of(fix(4), fix(5), fix(6)), resent);
            assertEquals(21, append(journal, SESSION_A, Direction.OUTBOUND, 11));
            assertEquals(12, journal.nextSenderSeqNum(SESSION_A));
        }
    }

    @Test
    void shouldApplySequenceChangesAndForgetMessagesAboveAReset()
    {
        try (Journal journal = Journal.open(context(Persistence.BUFFERED)))
        {
            for (int seq = 1; seq <= 5; seq++)
            {
                append(journal, SESSION_A, Direction.OUTBOUND, seq);
            }
            journal.appendSequenceChange(SESSION_A, 1, 1, 99);
            assertEquals(1, journal.nextSenderSeqNum(SESSION_A));
            assertEquals(0, journal.readOutbound(SESSION_A, 1, 0, e -> fail("forgotten")));
            append(journal, SESSION_A, Direction.OUTBOUND, 1);
            append(journal, SESSION_A, Direction.OUTBOUND, 2);
            journal.appendSequenceChange(SESSION_A, 3, 17, 100);
        }
        try (Journal journal = Journal.open(context(Persistence.BUFFERED)))
        {
            assertEquals(9, journal.lastPosition());
            assertEquals(3, journal.nextSenderSeqNum(SESSION_A));
            assertEquals(17, journal.nextTargetSeqNum(SESSION_A));
            final List<Long> positions = new ArrayList<>();
            assertEquals(2, journal.readOutbound(SESSION_A, 1, 0, e -> positions.add(e.position())));
            assertEquals(List.of(7L, 8L), positions);
        }
    }

    @Test
    void shouldReadOutboundWithOpenEndAcrossInterleavedSessions()
    {
        try (Journal journal = Journal.open(context(Persistence.BUFFERED)))
        {
            for (int seq = 1; seq <= 300; seq++)
            {
                append(journal, SESSION_A, Direction.OUTBOUND, seq);
                append(journal, SESSION_B, Direction.OUTBOUND, seq);
                append(journal, SESSION_A, Direction.INBOUND, seq);
            }
            final List<Integer> seqs = new ArrayList<>();
            assertEquals(101, journal.readOutbound(SESSION_B, 200, 0, e ->
            {
                assertEquals(SESSION_B, e.sessionId());
                assertEquals(Direction.OUTBOUND, e.direction());
                assertEquals(fix(e.msgSeqNum()), text(e));
                seqs.add(e.msgSeqNum());
            }));
            assertEquals(200, seqs.get(0));
            assertEquals(300, seqs.get(100));
            assertEquals(0, journal.readOutbound(SESSION_B, 301, 400, e -> fail()));
            assertEquals(0, journal.readOutbound(99, 1, 0, e -> fail()));
        }
    }

    @Test
    void shouldKeepTheOriginalForPossDupResends()
    {
        try (Journal journal = Journal.open(context(Persistence.BUFFERED)))
        {
            for (int seq = 1; seq <= 3; seq++)
            {
                append(journal, SESSION_A, Direction.OUTBOUND, seq);
            }
            final UnsafeBuffer dup = bytes(fix(2));
            journal.appendMessage(SESSION_A, Direction.OUTBOUND, 2, 5, JournalEntry.FLAG_POSS_DUP, dup, 0,
                dup.capacity());
            assertEquals(4, journal.nextSenderSeqNum(SESSION_A));
            final List<Long> positions = new ArrayList<>();
            journal.readOutbound(SESSION_A, 2, 2, e -> positions.add(e.position()));
            assertEquals(List.of(2L), positions);
        }
    }

    @Test
    void shouldReplicateRawEntriesIntoAnotherJournalWithTheSamePositionsAndState()
    {
        final Path replicaDir = Tests.tempDir("replica");
        try (Journal primary = Journal.open(context(Persistence.BUFFERED));
            Journal replica = Journal.open(new JournalContext().dir(replicaDir.toString()));
            JournalReader reader = primary.reader(1))
        {
            for (int seq = 1; seq <= 50; seq++)
            {
                append(primary, SESSION_A, Direction.OUTBOUND, seq);
                append(primary, SESSION_A, Direction.INBOUND, seq);
            }
            primary.appendSequenceChange(SESSION_B, 5, 6, 1);
            final int[] shipped = {0};
            // a direct buffer copy, as replication would receive it off a socket
            final UnsafeBuffer wire = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
            while (reader.poll(entry ->
            {
                wire.putBytes(16, entry.rawBuffer(), entry.rawOffset(), entry.rawLength());
                assertEquals(entry.position(), replica.appendReplicated(wire, 16, entry.rawLength()));
                shipped[0]++;
            }, 10) > 0)
            {
                // drain
            }
            assertEquals(101, shipped[0]);
            assertEquals(102, reader.nextPosition());
            assertEquals(primary.lastPosition(), replica.lastPosition());
            assertEquals(51, replica.nextSenderSeqNum(SESSION_A));
            assertEquals(51, replica.nextTargetSeqNum(SESSION_A));
            assertEquals(5, replica.nextSenderSeqNum(SESSION_B));
            assertEquals(6, replica.nextTargetSeqNum(SESSION_B));
            final List<String> resent = new ArrayList<>();
            replica.readOutbound(SESSION_A, 50, 50, e -> resent.add(text(e)));
            assertEquals(List.of(fix(50)), resent);

            // out of order and damaged entries are refused, nothing changes
            final byte[] rawCopy = new byte[256];
            final int[] rawLength = {0};
            try (JournalReader again = primary.reader(3))
            {
                again.poll(e ->
                {
                    e.rawBuffer().getBytes(e.rawOffset(), rawCopy, 0, e.rawLength());
                    rawLength[0] = e.rawLength();
                }, 1);
            }
            final JournalException gap = assertThrows(JournalException.class,
                () -> replica.appendReplicated(new UnsafeBuffer(rawCopy), 0, rawLength[0]));
            assertTrue(gap.getMessage().contains("position 3 does not follow last position 101"), gap.getMessage());
            rawCopy[EntryDescriptor.HEADER_LENGTH + 3] ^= 1;
            final JournalException crc = assertThrows(JournalException.class,
                () -> replica.appendReplicated(new UnsafeBuffer(rawCopy), 0, rawLength[0]));
            assertTrue(crc.getMessage().contains("CRC32C"), crc.getMessage());
            assertEquals(101, replica.lastPosition());
        }
        finally
        {
            Tests.deleteRecursively(replicaDir);
        }
    }

    @Test
    void shouldFollowAppendsFromAnotherThreadAndStartAtAnyPosition() throws Exception
    {
        try (Journal journal = Journal.open(context(Persistence.BUFFERED)))
        {
            for (int seq = 1; seq <= 1000; seq++)
            {
                append(journal, SESSION_A, Direction.OUTBOUND, seq);
            }
            try (JournalReader reader = journal.reader(777))
            {
                final long[] first = {0};
                assertEquals(1, reader.poll(e -> first[0] = e.position(), 1));
                assertEquals(777, first[0]);
            }

            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final long[] seen = {0};
            final Thread follower = new Thread(() ->
            {
                try (JournalReader reader = journal.reader(1001))
                {
                    final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (reader.nextPosition() <= 2000 && System.nanoTime() < deadline)
                    {
                        if (reader.poll(e ->
                        {
                            assertEquals(seen[0] == 0 ? 1001 : seen[0] + 1, e.position());
                            seen[0] = e.position();
                        }, 100) == 0)
                        {
                            Thread.onSpinWait();
                        }
                    }
                }
                catch (final Throwable t)
                {
                    failure.set(t);
                }
            });
            follower.start();
            for (int seq = 1001; seq <= 2000; seq++)
            {
                append(journal, SESSION_A, Direction.OUTBOUND, seq);
            }
            follower.join(Duration.ofSeconds(40).toMillis());
            assertFalse(follower.isAlive());
            assertNull(failure.get());
            assertEquals(2000, seen[0]);
        }
    }

    @Test
    void shouldNotSkipEntriesAppendedWhileAReaderIsCreatedForTheNextPosition() throws Exception
    {
        try (Journal journal = Journal.open(context(Persistence.BUFFERED)))
        {
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            final UnsafeBuffer message = bytes(fix(1));
            final Thread owner = new Thread(() ->
            {
                try
                {
                    for (int seq = 1; !stop.get(); seq++)
                    {
                        journal.appendMessage(SESSION_A, Direction.OUTBOUND, seq, seq, 0, message, 0,
                            message.capacity());
                        if ((seq & 7) == 0)
                        {
                            java.util.concurrent.locks.LockSupport.parkNanos(10_000); // a steady trickle, not a flood
                        }
                    }
                }
                catch (final Throwable t)
                {
                    failure.set(t);
                }
            });
            owner.start();
            try
            {
                for (int i = 0; i < 300; i++)
                {
                    final long from = journal.lastPosition() + 1;
                    try (JournalReader reader = journal.reader(from))
                    {
                        final long[] first = {0};
                        Tests.await("an entry from " + from, Duration.ofSeconds(30),
                            () -> reader.poll(e -> first[0] = e.position(), 1) > 0 || failure.get() != null);
                        assertNull(failure.get());
                        assertEquals(from, first[0]);
                    }
                }
            }
            finally
            {
                stop.set(true);
                owner.join(30_000);
            }
            assertFalse(owner.isAlive());
            assertNull(failure.get());
        }
    }

    @Test
    void shouldDeliverAnEntryAgainWhenTheHandlerThrows()
    {
        try (Journal journal = Journal.open(context(Persistence.BUFFERED)); JournalReader reader = journal.reader(1))
        {
            append(journal, SESSION_A, Direction.OUTBOUND, 1);
            append(journal, SESSION_A, Direction.OUTBOUND, 2);
            assertThrows(IllegalStateException.class, () -> reader.poll(e ->
            {
                throw new IllegalStateException("socket full");
            }, 10));
            assertEquals(1, reader.nextPosition());
            final List<Long> positions = new ArrayList<>();
            assertEquals(2, reader.poll(e -> positions.add(e.position()), 10));
            assertEquals(List.of(1L, 2L), positions);
        }
    }

    @Test
    void shouldRefuseEmptyOversizedAndClosedAppendsWithoutHarm()
    {
        final Journal journal = Journal.open(context(Persistence.BUFFERED).maxMessageLengthBytes(200));
        append(journal, SESSION_A, Direction.OUTBOUND, 1);
        final UnsafeBuffer big = new UnsafeBuffer(new byte[201]);
        final JournalException tooBig = assertThrows(JournalException.class,
            () -> journal.appendMessage(SESSION_A, Direction.OUTBOUND, 2, 0, 0, big, 0, 201));
        assertTrue(tooBig.getMessage().contains("201 bytes") && tooBig.getMessage().contains("maxMessageLengthBytes 200"),
            tooBig.getMessage());
        final JournalException empty = assertThrows(JournalException.class,
            () -> journal.appendMessage(SESSION_A, Direction.OUTBOUND, 2, 0, 0, big, 0, 0));
        assertTrue(empty.getMessage().contains("empty message"), empty.getMessage());
        assertEquals(1, journal.lastPosition());
        assertEquals(2, journal.nextSenderSeqNum(SESSION_A));
        journal.close();
        assertThrows(JournalException.class, () -> append(journal, SESSION_A, Direction.OUTBOUND, 2));

        try (Journal reopened = Journal.open(context(Persistence.BUFFERED)))
        {
            assertEquals(1, reopened.lastPosition());
            assertEquals(2, reopened.nextSenderSeqNum(SESSION_A));
        }
    }

    @Test
    void shouldRefuseASecondJournalOnTheSameDirectory()
    {
        try (Journal journal = Journal.open(context(Persistence.BUFFERED)))
        {
            append(journal, SESSION_A, Direction.OUTBOUND, 1);
            final JournalException ex = assertThrows(JournalException.class,
                () -> Journal.open(context(Persistence.BUFFERED)));
            assertTrue(ex.getMessage().contains("already open by process " + ProcessHandle.current().pid()),
                ex.getMessage());
            append(journal, SESSION_A, Direction.OUTBOUND, 2);
        }
        try (Journal reopened = Journal.open(context(Persistence.BUFFERED)))
        {
            assertEquals(2, reopened.lastPosition());
        }
    }

    @Test
    void shouldAppendFromDirectAndOffsetBuffers()
    {
        try (Journal journal = Journal.open(context(Persistence.BUFFERED)))
        {
            final String message = fix(1);
            final UnsafeBuffer direct = new UnsafeBuffer(ByteBuffer.allocateDirect(512));
            direct.putStringWithoutLengthAscii(33, message);
            journal.appendMessage(SESSION_A, Direction.OUTBOUND, 1, 0, JournalEntry.FLAG_ADMIN, direct, 33,
                message.length());
            final UnsafeBuffer raw = new UnsafeBuffer(direct.addressOffset(), 512);
            journal.appendMessage(SESSION_A, Direction.OUTBOUND, 2, 0, 0, raw, 33, message.length());
            final DirectBuffer array = new UnsafeBuffer(("xx" + message).getBytes(StandardCharsets.US_ASCII), 2,
                message.length());
            journal.appendMessage(SESSION_A, Direction.OUTBOUND, 3, 0, 0, array, 0, message.length());
            final List<String> texts = new ArrayList<>();
            final List<Integer> flags = new ArrayList<>();
            journal.readOutbound(SESSION_A, 1, 3, e ->
            {
                texts.add(text(e));
                flags.add(e.flags());
            });
            assertEquals(List.of(message, message, message), texts);
            assertEquals(List.of(JournalEntry.FLAG_ADMIN, 0, 0), flags);
        }
        try (Journal reopened = Journal.open(context(Persistence.BUFFERED)))
        {
            assertEquals(3, reopened.lastPosition());
        }
    }
}
