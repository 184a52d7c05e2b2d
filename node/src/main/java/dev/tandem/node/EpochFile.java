package dev.tandem.node;

import dev.tandem.journal.NumberFile;

import java.nio.file.Path;

/**
 * The node's epoch, persisted in the journal directory in the text file {@code tandem-epoch}. Each activation
 * raises it; the replication handshake and the peer check carry it, and the node with the higher epoch wins.
 * <p>
 * A {@link NumberFile}: two checksummed lines, the new epoch written over the older one and forced to disk, so a
 * crash leaves either the old or the new epoch, never a torn one. {@link #prepare()} creates the file at start-up, so
 * that raising the epoch in an activation is one {@code fdatasync} of a block already allocated, not a file created,
 * renamed and its directory forced.
 * <p>
 * Threading: not thread safe; the node's control thread. {@link #epoch()} may be read from any thread.
 */
public final class EpochFile
{
    /** The file name inside the journal directory. */
    public static final String FILE_NAME = "tandem-epoch";

    private final NumberFile file;

    private EpochFile(final NumberFile file)
    {
        this.file = file;
    }

    /**
     * Reads the epoch from {@code dir}, 0 when the file does not exist yet.
     *
     * @throws ConfigException when the file is damaged (names it and what it holds).
     */
    public static EpochFile open(final Path dir)
    {
        try
        {
            return new EpochFile(NumberFile.open(dir, FILE_NAME, "epoch", 0));
        }
        catch (final IllegalStateException ex)
        {
            throw new ConfigException(ex.getMessage());
        }
    }

    public long epoch()
    {
        return file.value();
    }

    /** Persists {@code newEpoch}, which must not be lower than the current one. */
    public void store(final long newEpoch)
    {
        if (newEpoch < file.value())
        {
            throw new IllegalArgumentException("epoch may not go down: " + file.value() + " -> " + newEpoch);
        }
        file.store(newEpoch, true);
    }

    /**
     * Creates the file with the current epoch (forced, directory included) when it does not exist yet or holds the
     * older one-line format, so that an activation's {@link #store} overwrites in place.
     *
     * @throws java.io.UncheckedIOException when the file cannot be written.
     */
    public void prepare()
    {
        file.prepare(true);
    }

    public Path file()
    {
        return file.file();
    }
}
