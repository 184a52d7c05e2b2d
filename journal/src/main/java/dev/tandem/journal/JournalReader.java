package dev.tandem.journal;

/**
 * STUB: reads entries in position order from a starting position onward, and then follows new ones as they are
 * appended (a tailer). Not thread safe: one thread per reader.
 */
public final class JournalReader implements AutoCloseable
{
    /**
     * Delivers up to {@code limit} entries that are available now.
     *
     * @return how many were delivered; 0 when nothing new is there.
     */
    public int poll(final EntryHandler handler, final int limit)
    {
        throw new UnsupportedOperationException("stub");
    }

    /** The position of the next entry this reader will deliver. */
    public long nextPosition()
    {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void close()
    {
    }
}
