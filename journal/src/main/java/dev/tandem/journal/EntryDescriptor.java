package dev.tandem.journal;

import java.nio.ByteOrder;

/**
 * Binary layout of one journal entry, little-endian, as stored in one Chronicle Queue document and as shipped by
 * replication:
 * <pre>
 *   0  int   checksum         CRC32C of bytes [4, length)
 *   4  byte  version          {@link #VERSION}
 *   5  byte  type             {@link JournalEntry#TYPE_MESSAGE} or {@link JournalEntry#TYPE_SEQUENCE}
 *   6  byte  direction        0 outbound, 1 inbound (0 for sequence entries)
 *   7  byte  flags            {@link JournalEntry#FLAG_ADMIN}, {@link JournalEntry#FLAG_POSS_DUP}
 *   8  long  position         1-based, gap-free, identical on primary and replica
 *  16  long  sessionId
 *  24  long  timestampNs      epoch nanoseconds
 *  32  int   msgSeqNum        (sequence entries: next sender seq num)
 *  36  int   messageLength    (sequence entries: next target seq num)
 *  40  ...   message bytes    (messages only)
 * </pre>
 */
final class EntryDescriptor
{
    static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Bumped whenever the layout changes; a journal with another version is refused on open. */
    static final byte VERSION = 1;

    static final int CHECKSUM_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int TYPE_OFFSET = 5;
    static final int DIRECTION_OFFSET = 6;
    static final int FLAGS_OFFSET = 7;
    static final int POSITION_OFFSET = 8;
    static final int SESSION_ID_OFFSET = 16;
    static final int TIMESTAMP_OFFSET = 24;
    static final int SEQ_NUM_OFFSET = 32;
    static final int NEXT_SENDER_OFFSET = 32;
    static final int MESSAGE_LENGTH_OFFSET = 36;
    static final int NEXT_TARGET_OFFSET = 36;
    static final int HEADER_LENGTH = 40;

    /** The checksum covers everything after itself. */
    static final int CHECKSUMMED_OFFSET = VERSION_OFFSET;

    static final byte DIRECTION_OUTBOUND = 0;
    static final byte DIRECTION_INBOUND = 1;

    private EntryDescriptor()
    {
    }

    static byte encode(final Direction direction)
    {
        return direction == Direction.INBOUND ? DIRECTION_INBOUND : DIRECTION_OUTBOUND;
    }
}
