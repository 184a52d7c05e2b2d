package dev.tandem.replication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The loss bound the primary last announced, kept in the secondary's journal directory ({@value #FILE_NAME}, one
 * decimal number), so a secondary that restarts and then activates still knows how many outbound entries the old
 * primary may have released without it. Written atomically (temporary file, rename), not forced (see
 * {@link #store(long)}).
 * <p>
 * Not thread safe: the sink's agent thread writes it; {@link #lossBoundEntries()} is a volatile read, any thread.
 */
final class LossBoundFile
{
    static final String FILE_NAME = "loss-bound";
    /** Nothing announced yet: no primary ever streamed to this journal, so there is nothing it can have lost. */
    static final long NONE = 0;

    private final Path file;
    private volatile long lossBoundEntries;

    private LossBoundFile(final Path file, final long lossBoundEntries)
    {
        this.file = file;
        this.lossBoundEntries = lossBoundEntries;
    }

    /**
     * Reads the bound stored in {@code dir}, {@link #NONE} when the file does not exist.
     *
     * @throws IllegalStateException when the file is damaged (names the file and its content).
     */
    static LossBoundFile open(final Path dir)
    {
        final Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file))
        {
            return new LossBoundFile(file, NONE);
        }
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
        try
        {
            final long value = Long.parseLong(text);
            if (value < 0)
            {
                throw new NumberFormatException();
            }
            return new LossBoundFile(file, value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalStateException(file + ": damaged loss bound file holds '" + text +
                "', expected a whole number >= 0");
        }
    }

    long lossBoundEntries()
    {
        return lossBoundEntries;
    }

    /** Persists {@code value} if it differs from the stored one. */
    void store(final long value)
    {
        if (value == lossBoundEntries)
        {
            return;
        }
        final Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                // not forced: an fsync on the sink's thread at every welcome stalled streaming (and so the lease)
                // for up to seconds on a busy disk; the rename keeps it whole, and after a host crash the replica's
                // BUFFERED journal is no more durable than this file
                channel.write(ByteBuffer.wrap((value + "\n").getBytes(StandardCharsets.US_ASCII)));
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
        lossBoundEntries = value;
    }
}
