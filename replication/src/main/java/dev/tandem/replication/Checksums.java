package dev.tandem.replication;

import dev.tandem.journal.EntryHandler;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import org.agrona.DirectBuffer;

import java.util.zip.CRC32C;

/**
 * The checksum both ends compare in the handshake: CRC-32C of the raw bytes of the entry at a position, so a sink
 * holding a different entry at the same position is seen as diverged.
 * <p>
 * Not thread safe: one per agent. Used only at handshake time (it opens a reader).
 */
final class Checksums
{
    /** No entry at that position. */
    static final long NONE = -1;

    private final CRC32C crc = new CRC32C();
    /** A named class, not a method reference: a handshake after an activation is often the first to read here. */
    private final EntryHandler onEntry = new EntryHandler()
    {
        @Override
        public void onEntry(final JournalEntry entry)
        {
            result = checksum(entry.rawBuffer(), entry.rawOffset(), entry.rawLength());
        }
    };
    private long result;

    long entryChecksum(final Journal journal, final long position)
    {
        if (position < 1 || position > journal.lastPosition())
        {
            return NONE;
        }
        result = NONE;
        try (JournalReader reader = journal.reader(position))
        {
            reader.poll(onEntry, 1);
        }
        return result;
    }

    long checksum(final DirectBuffer buffer, final int offset, final int length)
    {
        crc.reset();
        for (int i = 0; i < length; i++)
        {
            crc.update(buffer.getByte(offset + i));
        }
        return crc.getValue();
    }
}
