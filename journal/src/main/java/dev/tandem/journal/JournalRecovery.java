package dev.tandem.journal;

import java.nio.file.Path;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a journal's session state on open: reads every entry once, checks its layout, version, CRC32C and
 * position, applies it to the {@link SessionTable}, loads the state snapshot when old cycles were removed, writes a
 * snapshot a crash left unwritten, and refuses a damaged journal naming the file, the entry and the last intact
 * position.
 * <p>
 * Not thread safe: runs once, on the thread that opens the journal.
 */
final class JournalRecovery
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final CycleFiles files;
    private final RollCycle rollCycle;
    private final SnapshotStore snapshots;
    private final SessionTable sessions;
    private final int maxMessageLengthBytes;

    long firstPosition;
    long lastPosition;
    int lastCycle = Integer.MIN_VALUE;

    JournalRecovery(
        final Path dir,
        final SingleChronicleQueue queue,
        final CycleFiles files,
        final SnapshotStore snapshots,
        final SessionTable sessions,
        final int maxMessageLengthBytes)
    {
        this.dir = dir;
        this.queue = queue;
        this.files = files;
        this.rollCycle = files.rollCycle();
        this.snapshots = snapshots;
        this.sessions = sessions;
        this.maxMessageLengthBytes = maxMessageLengthBytes;
    }

    void recover(final ExcerptTailer tailer)
    {
        final EntryFlyweight entry = new EntryFlyweight();
        final EntryChecksum checksum = new EntryChecksum();
        tailer.toStart();
        long expected = 0;
        long lastDocumentEnd = 0;
        int cycle = Integer.MIN_VALUE;
        while (true)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    break;
                }
                final long index = dc.index();
                CycleFiles.wrapRead(dc, entry);
                final String problem = entry.validate(checksum, maxMessageLengthBytes);
                if (problem != null)
                {
                    throw damaged(index, problem, expected - 1);
                }
                final long position = entry.position();
                if (expected == 0)
                {
                    firstPosition = position;
                    if (position != 1)
                    {
                        if (!snapshots.exists(position - 1))
                        {
                            throw new JournalException("journal '" + dir + "' starts at position " + position +
                                " (older cycle files were removed) but has no state snapshot " +
                                snapshots.file(position - 1) + ": cannot recover session state");
                        }
                        snapshots.read(position - 1, sessions.sessions);
                    }
                }
                else if (position != expected)
                {
                    throw damaged(index, "position " + position + " where " + expected + " was expected", expected - 1);
                }
                final int entryCycle = rollCycle.toCycle(index);
                if (entryCycle != cycle)
                {
                    if (cycle != Integer.MIN_VALUE && !snapshots.exists(position - 1))
                    {
                        // the process died between starting this cycle and writing its snapshot: write it now
                        snapshots.write(position - 1, sessions.sessions);
                    }
                    cycle = entryCycle;
                }
                sessions.apply(entry.type(), entry.sessionId(), entry.isInbound(), entry.flags(), entry.msgSeqNum(),
                    entry.nextTargetSeqNum(), index);
                expected = position + 1;
                lastDocumentEnd = dc.wire().bytes().readLimit();
            }
        }
        lastCycle = cycle;
        lastPosition = expected == 0 ? 0 : expected - 1;
        checkNothingRecordedBeyond(cycle, lastDocumentEnd, lastPosition);
    }

    /**
     * Chronicle records where the last document of a cycle starts. If that is at or past the end of the last
     * document recovery could read, an entry was written there and lost (for example zeroed by a host crash that
     * flushed the file's header page but not its data): refuse rather than silently drop it. A header still marked
     * incomplete there is a write torn by a process crash, which was never acknowledged: that is fine.
     */
    private void checkNothingRecordedBeyond(final int cycle, final long lastDocumentEnd, final long lastGoodPosition)
    {
        if (cycle == Integer.MIN_VALUE || queue.lastCycle() != cycle)
        {
            return;
        }
        final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null)
        {
            return;
        }
        try
        {
            final long writePosition = store.writePosition();
            if (writePosition >= lastDocumentEnd)
            {
                final int header = store.bytes().readVolatileInt(writePosition);
                final boolean torn = header != 0 && (header & Wires.NOT_COMPLETE) != 0;
                if (!torn)
                {
                    throw new JournalException("journal '" + dir + "' is damaged: file " + files.cycleFile(cycle) +
                        " records an entry at byte " + writePosition + " that cannot be read (header 0x" +
                        Integer.toHexString(header) + "). Entries up to position " + lastGoodPosition +
                        " are intact; restore the journal from a replica, or remove the damaged file after " +
                        "copying it away");
                }
                LOG.info("journal {}: ignoring a write torn by a crash at byte {} of {}", dir, writePosition,
                    files.cycleFile(cycle));
            }
        }
        finally
        {
            queue.closeStore(store);
        }
    }

    private JournalException damaged(final long index, final String problem, final long lastGoodPosition)
    {
        final int cycle = rollCycle.toCycle(index);
        return new JournalException("journal '" + dir + "' is damaged: entry at Chronicle index 0x" +
            Long.toHexString(index) + " (cycle " + cycle + ", file " + files.cycleFile(cycle) + ", sequence " +
            rollCycle.toSequenceNumber(index) + "): " + problem + ". Entries up to position " +
            Math.max(0, lastGoodPosition) + " are intact; restore the journal from a replica, or remove the " +
            "damaged file after copying it away");
    }
}
