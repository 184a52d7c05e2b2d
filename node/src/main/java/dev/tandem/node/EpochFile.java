package dev.tandem.node;

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
 * The node's epoch, persisted in the journal directory as a one-line text file {@code tandem-epoch}. Each activation
 * raises it; the replication handshake and the peer check carry it, and the node with the higher epoch wins.
 * <p>
 * A write goes to a temporary file that is forced to disk and then atomically renamed over the old one, so a crash
 * leaves either the old or the new epoch, never a torn one.
 * <p>
 * Threading: not thread safe; the node's control thread. {@link #epoch()} may be read from any thread.
 */
public final class EpochFile
{
    /** The file name inside the journal directory. */
    public static final String FILE_NAME = "tandem-epoch";

    private final Path file;
    private volatile long epoch;

    private EpochFile(final Path file, final long epoch)
    {
        this.file = file;
        this.epoch = epoch;
    }

    /** Reads the epoch from {@code dir}, 0 when the file does not exist yet. */
    public static EpochFile open(final Path dir)
    {
        final Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file))
        {
            return new EpochFile(file, 0);
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
            final long epoch = Long.parseLong(text);
            if (epoch < 0)
            {
                throw new NumberFormatException();
            }
            return new EpochFile(file, epoch);
        }
        catch (final NumberFormatException ex)
        {
            throw new ConfigException(file + ": damaged epoch file holds '" + text + "', expected a whole number >= 0");
        }
    }

    public long epoch()
    {
        return epoch;
    }

    /** Persists {@code newEpoch}, which must not be lower than the current one. */
    public void store(final long newEpoch)
    {
        if (newEpoch < epoch)
        {
            throw new IllegalArgumentException("epoch may not go down: " + epoch + " -> " + newEpoch);
        }
        final Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        try
        {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                channel.write(ByteBuffer.wrap((newEpoch + "\n").getBytes(StandardCharsets.US_ASCII)));
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
        epoch = newEpoch;
    }

    public Path file()
    {
        return file;
    }
}
