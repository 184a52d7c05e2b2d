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
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * One whole number {@code >= 0} kept beside a journal, for the facts a node must still know after a restart (its
 * epoch, the loss bound its primary announced).
 * <p>
 * The file holds two fixed-width text lines, two slots of {@value #SLOT_BYTES} bytes each:
 * {@code <value, 20 digits> <sequence, 20 digits> <CRC32C of the 41 characters before, 8 hex digits>}. A store
 * overwrites the slot that does not hold the current number, with the next sequence; a reader takes the valid slot
 * with the higher sequence. A crash in the middle of a store (a torn write) damages at most the slot being written,
 * whose checksum then fails: the old number or the new one is read, never a torn one. The file keeps its size, so a
 * forced store is one {@code fdatasync} of one block, with no file created, renamed or allocated: on this project's
 * test machine (ext4, virtual disk) 2–4 ms at the median against 6–14 ms for a temporary file forced, renamed over
 * the old one and the directory forced, and a tail three times shorter under load. It assumes what most storage
 * gives (power-safe overwrite): writing bytes of one slot does not damage the bytes of the other.
 * <p>
 * The file is created (and a file of the older format, one decimal number on one line, still read, and rewritten)
 * through a temporary file renamed over it, with the file and its directory forced when the store is.
 * <p>
 * For Tandem's own modules; not an extension point.
 * <p>
 * Threading: not thread safe; one thread stores. {@link #value()} is a volatile read, safe from any thread.
 */
public final class NumberFile
{
    /** The width of one slot: value, space, sequence, space, checksum, newline. */
    static final int SLOT_BYTES = 20 + 1 + 20 + 1 + 8 + 1;
    /** The whole file: two slots. */
    static final int FILE_BYTES = 2 * SLOT_BYTES;
    private static final int CHECKED_BYTES = 20 + 1 + 20;

    private final Path file;
    private final String what;
    private volatile long value;
    /** The sequence of the slot holding {@link #value}; its slot is {@code sequence % 2}. */
    private long sequence;
    /** Whether the file exists in the two-slot format, so a store overwrites a slot in place. */
    private boolean slotted;

    private NumberFile(final Path file, final String what, final long value, final long sequence,
        final boolean slotted)
    {
        this.file = file;
        this.what = what;
        this.value = value;
        this.sequence = sequence;
        this.slotted = slotted;
    }

    /**
     * Reads {@code dir/fileName}.
     *
     * @param what         what the number is, for error messages, e.g. {@code "epoch"}.
     * @param absentValue  the value while the file does not exist.
     * @throws IllegalStateException naming the file and its content when neither slot holds a valid whole number
     *                               {@code >= 0} (nor the file an older format's number).
     * @throws UncheckedIOException  when the file exists but cannot be read.
     */
    public static NumberFile open(final Path dir, final String fileName, final String what, final long absentValue)
    {
        final Path file = dir.resolve(fileName);
        if (!Files.exists(file))
        {
            return new NumberFile(file, what, absentValue, 0, false);
        }
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
        if (bytes.length == FILE_BYTES)
        {
            final long[] first = parseSlot(bytes, 0);
            final long[] second = parseSlot(bytes, SLOT_BYTES);
            final long[] current = first == null ? second : second == null || first[1] > second[1] ? first : second;
            if (current != null)
            {
                return new NumberFile(file, what, current[0], current[1], true);
            }
        }
        final String text = new String(bytes, StandardCharsets.US_ASCII).trim();
        if (bytes.length < FILE_BYTES)
        {
            // the older format: one decimal number on one line
            try
            {
                final long value = Long.parseLong(text);
                if (value >= 0)
                {
                    return new NumberFile(file, what, value, 0, false);
                }
            }
            catch (final NumberFormatException ex)
            {
                // reported below
            }
        }
        throw new IllegalStateException(file + ": damaged " + what + " file holds '" +
            text.replaceAll("[^\\x20-\\x7e]", "?") + "', expected a whole number >= 0 in at least one of its two " +
            "checksummed lines");
    }

    /** The number stored last, or read at open. */
    public long value()
    {
        return value;
    }

    /**
     * Replaces the number. The file being in the two-slot format, the slot not holding the current number is
     * overwritten and, when {@code force}, the data forced to stable storage; otherwise the file is created through a
     * temporary file and a rename.
     *
     * @param force whether the new number reaches stable storage before this returns.
     * @throws UncheckedIOException when the file cannot be written; the old number then stays, read and on disk.
     */
    public void store(final long newValue, final boolean force)
    {
        if (newValue < 0)
        {
            throw new IllegalArgumentException(what + " must be >= 0, got " + newValue);
        }
        final long nextSequence = sequence + 1;
        try
        {
            if (slotted)
            {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                {
                    writeFully(channel, ByteBuffer.wrap(slot(newValue, nextSequence)),
                        (nextSequence & 1) * SLOT_BYTES);
                    if (force)
                    {
                        channel.force(false);
                    }
                }
            }
            else
            {
                create(newValue, nextSequence, force);
                slotted = true;
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
        sequence = nextSequence;
        value = newValue;
    }

    /**
     * Writes the file in the two-slot format with the current number when it does not exist yet or holds the older
     * format, so that later stores overwrite in place: for a number whose first store must be quick (an epoch raised
     * while counterparties wait). Nothing happens when the file is already in that format.
     *
     * @param force whether the file and its directory entry reach stable storage before this returns.
     * @throws UncheckedIOException when the file cannot be written.
     */
    public void prepare(final boolean force)
    {
        if (!slotted)
        {
            store(value, force);
        }
    }

    public Path file()
    {
        return file;
    }

    private void create(final long newValue, final long newSequence, final boolean force) throws IOException
    {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.getParent());
        final ByteBuffer content = ByteBuffer.allocate(FILE_BYTES);
        // both slots valid, the new number in the slot its sequence names, the other a copy one sequence older
        final int newSlot = (int)(newSequence & 1);
        content.put(newSlot * SLOT_BYTES, slot(newValue, newSequence));
        content.put((1 - newSlot) * SLOT_BYTES, slot(newValue, newSequence - 1));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            writeFully(channel, content, 0);
            if (force)
            {
                channel.force(true);
            }
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (force)
        {
            // the rename itself reaches the disk only with its directory
            try (FileChannel directory = FileChannel.open(file.getParent(), StandardOpenOption.READ))
            {
                directory.force(true);
            }
        }
    }

    private static void writeFully(final FileChannel channel, final ByteBuffer buffer, final long position)
        throws IOException
    {
        long at = position;
        while (buffer.hasRemaining())
        {
            at += channel.write(buffer, at);
        }
    }

    static byte[] slot(final long value, final long sequence)
    {
        final String checked = String.format(Locale.ROOT, "%020d %020d", value, sequence);
        final byte[] bytes = new byte[SLOT_BYTES];
        final byte[] text = (checked + ' ' + String.format(Locale.ROOT, "%08x", crc(checked.getBytes(
            StandardCharsets.US_ASCII), 0)) + '\n').getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, bytes, 0, SLOT_BYTES);
        return bytes;
    }

    /** {value, sequence} of the slot at {@code offset}, null when it is not well formed or its checksum fails. */
    private static long[] parseSlot(final byte[] bytes, final int offset)
    {
        if (bytes[offset + 20] != ' ' || bytes[offset + CHECKED_BYTES] != ' ' || bytes[offset + SLOT_BYTES - 1] != '\n')
        {
            return null;
        }
        final long value = digits(bytes, offset, 20);
        final long sequence = digits(bytes, offset + 21, 20);
        if (value < 0 || sequence < 0)
        {
            return null;
        }
        long stored = 0;
        for (int i = offset + CHECKED_BYTES + 1; i < offset + CHECKED_BYTES + 9; i++)
        {
            final int digit = Character.digit(bytes[i], 16);
            if (digit < 0 || Character.isUpperCase(bytes[i]))
            {
                return null;
            }
            stored = (stored << 4) | digit;
        }
        return stored == crc(bytes, offset) ? new long[]{value, sequence} : null;
    }

    /** The decimal number of {@code length} ASCII digits at {@code offset}, -1 when not all digits or too large. */
    private static long digits(final byte[] bytes, final int offset, final int length)
    {
        long result = 0;
        for (int i = offset; i < offset + length; i++)
        {
            final int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9 || result > (Long.MAX_VALUE - digit) / 10)
            {
                return -1;
            }
            result = result * 10 + digit;
        }
        return result;
    }

    private static long crc(final byte[] bytes, final int offset)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes, offset, CHECKED_BYTES);
        return crc.getValue();
    }
}
