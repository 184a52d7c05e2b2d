package dev.tandem.journal;

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
 * One whole number {@code >= 0} kept beside a journal in a one-line text file, for the facts a node must still know
 * after a restart (its epoch, the loss bound its primary announced). A store writes a temporary file and renames it
 * over the old one, so a crash leaves the old number or the new one, never a torn one; whether the temporary file
 * is forced to disk first is the caller's choice.
 * <p>
 * For Tandem's own modules; not an extension point.
 * <p>
 * Threading: not thread safe; one thread stores. {@link #value()} is a volatile read, safe from any thread.
 */
public final class NumberFile
{
    private final Path file;
    private final String what;
    private volatile long value;

    private NumberFile(final Path file, final String what, final long value)
    {
        this.file = file;
        this.what = what;
        this.value = value;
    }

    /**
     * Reads {@code dir/fileName}.
     *
     * @param what         what the number is, for error messages, e.g. {@code "epoch"}.
     * @param absentValue  the value while the file does not exist.
     * @throws IllegalStateException naming the file and its content when it does not hold a whole number {@code >= 0}.
     * @throws UncheckedIOException  when the file exists but cannot be read.
     */
    public static NumberFile open(final Path dir, final String fileName, final String what, final long absentValue)
    {
        final Path file = dir.resolve(fileName);
        if (!Files.exists(file))
        {
            return new NumberFile(file, what, absentValue);
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
            if (value >= 0)
            {
                return new NumberFile(file, what, value);
            }
        }
        catch (final NumberFormatException ex)
        {
            // reported below
        }
        throw new IllegalStateException(file + ": damaged " + what + " file holds '" + text +
            "', expected a whole number >= 0");
    }

    /** The number stored last, or read at open. */
    public long value()
    {
        return value;
    }

    /**
     * Replaces the number: temporary file, optionally forced, then an atomic rename.
     *
     * @param force whether the new content reaches stable storage before the rename (an fsync).
     * @throws UncheckedIOException when the file cannot be written; the old number then stays.
     */
    public void store(final long newValue, final boolean force)
    {
        if (newValue < 0)
        {
            throw new IllegalArgumentException(what + " must be >= 0, got " + newValue);
        }
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try
        {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                channel.write(ByteBuffer.wrap((newValue + "\n").getBytes(StandardCharsets.US_ASCII)));
                if (force)
                {
                    channel.force(true);
                }
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
        value = newValue;
    }

    public Path file()
    {
        return file;
    }
}
