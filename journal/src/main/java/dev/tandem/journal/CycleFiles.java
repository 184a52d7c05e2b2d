package dev.tandem.journal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.NavigableSet;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's view of Chronicle's cycle files: naming them, finding the Chronicle index of a position (positions
 * are contiguous within a cycle, so the first entry of each cycle is enough), and deleting old cycles for retention.
 * <p>
 * Threading: {@link #seek} may be called from any thread with that thread's tailer; {@link #retain} from the owner.
 */
final class CycleFiles
{
    private static final Logger LOG = LoggerFactory.getLogger(CycleFiles.class);

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final RollCycle rollCycle;
    private final DateTimeFormatter fileNames;

    CycleFiles(final Path dir, final SingleChronicleQueue queue)
    {
        this.dir = dir;
        this.queue = queue;
        this.rollCycle = queue.rollCycle();
        this.fileNames = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
    }

    RollCycle rollCycle()
    {
        return rollCycle;
    }

    File cycleFile(final int cycle)
    {
        final long millis = (long)cycle * rollCycle.lengthInMillis() + queue.epoch();
        return dir.resolve(fileNames.format(Instant.ofEpochMilli(millis)) + SingleChronicleQueue.SUFFIX).toFile();
    }

    /** Wraps the document being read, in place, without copying. */
    static EntryFlyweight wrapRead(final DocumentContext dc, final EntryFlyweight entry)
    {
        final Bytes<?> bytes = dc.wire().bytes();
        final long readPosition = bytes.readPosition();
        final int length = (int)bytes.readRemaining();
        if (length == 0)
        {
            return entry.wrap(bytes.addressForRead(readPosition), 0);
        }
        return entry.wrap(bytes.addressForRead(readPosition, length), length);
    }

    /** The position of the first entry of {@code cycle}, or -1 if it has none. Moves {@code tailer}. */
    long firstPositionOf(final ExcerptTailer tailer, final int cycle, final EntryFlyweight entry)
    {
        if (!tailer.moveToIndex(rollCycle.toIndex(cycle, 0)))
        {
            return -1;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            return dc.isPresent() ? wrapRead(dc, entry).position() : -1;
        }
    }

    /**
     * Positions {@code tailer} at the entry with {@code position}: finds the newest cycle whose first entry is at or
     * before it, then computes the index. For a position not written yet it goes to the last entry written when
     * {@code lastPosition} was read (or the start), never to "the end": entries appended meanwhile by the owner must
     * not be skipped, and the reader skips positions below the one it wants.
     */
    void seek(final ExcerptTailer tailer, final long position, final long lastPosition, final long firstPosition)
    {
        if (position > lastPosition)
        {
            if (lastPosition == 0)
            {
                tailer.toStart();
                return;
            }
            seek(tailer, lastPosition, lastPosition, firstPosition);
            return;
        }
        final EntryFlyweight entry = new EntryFlyweight();
        try
        {
            final int firstCycle = queue.firstCycle();
            int cycle = queue.lastCycle();
            while (cycle >= firstCycle && cycle != Integer.MAX_VALUE && cycle != Integer.MIN_VALUE)
            {
                final long cycleFirstPosition = firstPositionOf(tailer, cycle, entry);
                if (cycleFirstPosition > 0 && cycleFirstPosition <= position)
                {
                    if (!tailer.moveToIndex(rollCycle.toIndex(cycle, position - cycleFirstPosition)))
                    {
                        throw new JournalException("journal " + dir + ": position " + position +
                            " not found in cycle file " + cycleFile(cycle));
                    }
                    return;
                }
                if (cycle == firstCycle)
                {
                    break;
                }
                cycle = queue.nextCycle(cycle, TailerDirection.BACKWARD);
            }
        }
        catch (final ParseException ex)
        {
            throw new JournalException("journal " + dir + ": cannot list cycle files: " + ex, ex);
        }
        throw new JournalException("journal " + dir + ": position " + position +
            " is older than the oldest retained entry " + firstPosition);
    }

    /**
     * Deletes the oldest cycle files beyond the newest {@code retainCycles}, but only if recovery can start from
     * the oldest kept cycle (its state snapshot exists).
     *
     * @return the position of the oldest entry kept, or -1 if nothing was deleted.
     */
    long retain(
        final int retainCycles,
        final int lastCycle,
        final ExcerptTailer tailer,
        final EntryFlyweight entry,
        final SnapshotStore snapshots)
    {
        if (retainCycles <= 0 || lastCycle == Integer.MIN_VALUE)
        {
            return -1;
        }
        final NavigableSet<Long> cycles = queue.listCyclesBetween(queue.firstCycle(), lastCycle);
        if (cycles.size() <= retainCycles)
        {
            return -1;
        }
        final Long[] all = cycles.toArray(new Long[0]);
        final int keepFrom = all.length - retainCycles;
        final int oldestKept = all[keepFrom].intValue();
        final long oldestKeptPosition = firstPositionOf(tailer, oldestKept, entry);
        if (oldestKeptPosition <= 0 || !snapshots.exists(oldestKeptPosition - 1))
        {
            LOG.warn("journal {}: retention skipped, cycle {} has no state snapshot to recover from", dir, oldestKept);
            return -1;
        }
        for (int i = 0; i < keepFrom; i++)
        {
            final File file = cycleFile(all[i].intValue());
            try
            {
                if (!Files.deleteIfExists(file.toPath()))
                {
                    LOG.warn("journal {}: retention expected cycle file {} which does not exist", dir, file);
                }
            }
            catch (final IOException ex)
            {
                throw new JournalException("journal " + dir + ": cannot delete old cycle file " + file + ": " + ex, ex);
            }
        }
        queue.refreshDirectoryListing();
        snapshots.deleteBefore(oldestKeptPosition - 1);
        LOG.info("journal {}: retention removed {} cycle file(s); oldest position now {}",
            dir, keepFrom, oldestKeptPosition);
        return oldestKeptPosition;
    }
}
