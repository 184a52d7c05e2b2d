package dev.tandem.replication;

import dev.tandem.journal.NumberFile;

import java.nio.file.Path;

/**
 * The loss bound the primary last announced, kept in the secondary's journal directory ({@value #FILE_NAME}, one
 * decimal number, a {@link NumberFile}), so a secondary that restarts and then activates still knows how many outbound
 * entries the old primary may have released without it. Written so that a crash leaves the old bound or the new one
 * (two checksummed slots), not forced (see {@link #store(long)}).
 * <p>
 * Not thread safe: the sink's agent thread writes it; {@link #lossBoundEntries()} is a volatile read, any thread.
 */
final class LossBoundFile
{
    static final String FILE_NAME = "loss-bound";
    /** Nothing announced yet: no primary ever streamed to this journal, so there is nothing it can have lost. */
    static final long NONE = 0;

    private final NumberFile file;

    private LossBoundFile(final NumberFile file)
    {
        this.file = file;
    }

    /**
     * Reads the bound stored in {@code dir}, {@link #NONE} when the file does not exist.
     *
     * @throws IllegalStateException when the file is damaged (names the file and its content).
     */
    static LossBoundFile open(final Path dir)
    {
        return new LossBoundFile(NumberFile.open(dir, FILE_NAME, "loss bound", NONE));
    }

    long lossBoundEntries()
    {
        return file.value();
    }

    /** Persists {@code value} if it differs from the stored one. */
    void store(final long value)
    {
        if (value != file.value())
        {
            // not forced: an fsync on the sink's thread at every welcome stalled streaming (and so the lease) for up
            // to seconds on a busy disk; the checksummed slots keep it whole, and after a host crash the replica's
            // BUFFERED journal is no more durable than this file
            file.store(value, false);
        }
    }
}
