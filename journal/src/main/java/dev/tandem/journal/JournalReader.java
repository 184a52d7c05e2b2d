package dev.tandem.journal;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads entries in position order from a starting position onward, then follows new ones as they are appended (a
 * tailer): what the replication source ships. Entries are read in place, not copied; each is valid only during the
 * {@link EntryHandler} call.
 * <p>
 * Not thread safe: one thread per reader (it may be another thread than the journal's owner). Close it before the
 * journal.
 */
public final class JournalReader implements AutoCloseable
{
    private final Journal journal;
    private final ExcerptTailer tailer;
    private final EntryFlyweight entry = new EntryFlyweight();
    private long nextPosition;
    private boolean closed;

    JournalReader(final Journal journal, final ExcerptTailer tailer, final long fromPosition)
    {
        this.journal = journal;
        this.tailer = tailer;
        this.nextPosition = fromPosition;
    }

    /**
     * Delivers up to {@code limit} entries that are available now.
     *
     * @return how many were delivered; 0 when nothing new is there.
     * @throws JournalException if the journal skips a position (damage). If the handler throws, the entry it was
     *                          given is delivered again by the next poll.
     */
    public int poll(final EntryHandler handler, final int limit)
    {
        if (closed)
        {
            throw new JournalException("reader of journal " + journal.dirName() + " is closed");
        }
        int delivered = 0;
        while (delivered < limit)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    break;
                }
                final EntryFlyweight current = CycleFiles.wrapRead(dc, entry);
                final long position = current.position();
                if (position < nextPosition)
                {
                    continue;
                }
                if (position != nextPosition)
                {
                    throw new JournalException("journal " + journal.dirName() + ": reader expected position " +
                        nextPosition + " but found " + position);
                }
                try
                {
                    handler.onEntry(current);
                }
                catch (final RuntimeException | Error ex)
                {
                    dc.rollbackOnClose();
                    throw ex;
                }
                nextPosition = position + 1;
                delivered++;
            }
        }
        return delivered;
    }

    /** The position of the next entry this reader will deliver. */
    public long nextPosition()
    {
        return nextPosition;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            tailer.close();
        }
    }
}
