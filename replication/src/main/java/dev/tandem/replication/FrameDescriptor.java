package dev.tandem.replication;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Binary layout of the replication protocol's frames (see the module README for the prose version). All integers
 * are little-endian. Every frame starts with a 12-byte header:
 * <pre>
 *   0  int32  frameLength   whole frame, header included
 *   4  int32  crc32c        CRC-32C of bytes [8, frameLength)
 *   8  int16  type
 *  10  int16  reserved (0)
 * </pre>
 * Static helpers only; not instantiable. Thread safe (stateless).
 */
final class FrameDescriptor
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** 'TNDM' read as a little-endian int: the first thing a sink says, so a stranger is recognised at once. */
    static final int MAGIC = 0x4D444E54;
    /**
     * Bumped on any incompatible change of this layout. Version 2: the hello carries a kind (sink or fencing probe)
     * and the lease the sink grants; the welcome announces the source's loss bound; data, heartbeat and ack frames
     * carry the source's timestamp (sent, or echoed back) so the source can time its lease. Version 3: the planned
     * switchover's frames (SWITCHOVER_REQUEST, HANDOVER, HANDOVER_ACCEPTED).
     */
    static final int PROTOCOL_VERSION = 3;

    /** Hello kind: a secondary that wants the journal streamed. */
    static final int KIND_SINK = 0;
    /** Hello kind: a fencing probe that only announces and learns epochs; never streamed to, its acks never count. */
    static final int KIND_PROBE = 1;

    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int TYPE_OFFSET = 8;
    static final int HEADER_LENGTH = 12;

    static final int TYPE_HELLO = 1;
    static final int TYPE_CHALLENGE = 2;
    static final int TYPE_AUTH = 3;
    static final int TYPE_WELCOME = 4;
    static final int TYPE_DATA = 5;
    static final int TYPE_ACK = 6;
    static final int TYPE_HEARTBEAT = 7;
    static final int TYPE_CLOSE = 8;
    /** Sink to source: please hand the Hot role over to me (position: the sink's last; stamp: the timeout in ms). */
    static final int TYPE_SWITCHOVER_REQUEST = 9;
    /**
     * Source to sink: I have stopped releasing and you hold my whole journal; activate at the next epoch (position:
     * the source's last position, which the sink must hold; stamp: the source's epoch).
     */
    static final int TYPE_HANDOVER = 10;
    /** Sink to source: the handover is accepted, the sink activates now (position: the sink's last position). */
    static final int TYPE_HANDOVER_ACCEPTED = 11;

    static final int NONCE_LENGTH = 16;
    static final int PROOF_LENGTH = 32;
    static final int MAX_CLUSTER_NAME_LENGTH = 64;
    static final int MAX_CLOSE_TEXT_LENGTH = 200;

    // HELLO (sink -> source)
    static final int HELLO_MAGIC_OFFSET = HEADER_LENGTH;
    static final int HELLO_VERSION_OFFSET = HELLO_MAGIC_OFFSET + 4;
    static final int HELLO_NODE_ID_OFFSET = HELLO_VERSION_OFFSET + 4;
    static final int HELLO_EPOCH_OFFSET = HELLO_NODE_ID_OFFSET + 4;
    static final int HELLO_NEXT_POSITION_OFFSET = HELLO_EPOCH_OFFSET + 8;
    static final int HELLO_LAST_CHECKSUM_OFFSET = HELLO_NEXT_POSITION_OFFSET + 8;
    static final int HELLO_MAX_FRAME_OFFSET = HELLO_LAST_CHECKSUM_OFFSET + 8;
    static final int HELLO_KIND_OFFSET = HELLO_MAX_FRAME_OFFSET + 4;
    static final int HELLO_LEASE_MS_OFFSET = HELLO_KIND_OFFSET + 4;
    static final int HELLO_NONCE_OFFSET = HELLO_LEASE_MS_OFFSET + 4;
    static final int HELLO_CLUSTER_LENGTH_OFFSET = HELLO_NONCE_OFFSET + NONCE_LENGTH;
    static final int HELLO_CLUSTER_OFFSET = HELLO_CLUSTER_LENGTH_OFFSET + 2;
    /** Enough to read magic and version of any version's hello. */
    static final int HELLO_MIN_LENGTH = HELLO_VERSION_OFFSET + 4;

    // CHALLENGE (source -> sink)
    static final int CHALLENGE_VERSION_OFFSET = HEADER_LENGTH;
    static final int CHALLENGE_NODE_ID_OFFSET = CHALLENGE_VERSION_OFFSET + 4;
    static final int CHALLENGE_EPOCH_OFFSET = CHALLENGE_NODE_ID_OFFSET + 4;
    static final int CHALLENGE_NONCE_OFFSET = CHALLENGE_EPOCH_OFFSET + 8;
    static final int CHALLENGE_PROOF_OFFSET = CHALLENGE_NONCE_OFFSET + NONCE_LENGTH;
    static final int CHALLENGE_LENGTH = CHALLENGE_PROOF_OFFSET + PROOF_LENGTH;

    // AUTH (sink -> source)
    static final int AUTH_PROOF_OFFSET = HEADER_LENGTH;
    static final int AUTH_LENGTH = AUTH_PROOF_OFFSET + PROOF_LENGTH;

    // WELCOME (source -> sink)
    static final int WELCOME_START_POSITION_OFFSET = HEADER_LENGTH;
    static final int WELCOME_SOURCE_LAST_POSITION_OFFSET = WELCOME_START_POSITION_OFFSET + 8;
    static final int WELCOME_LOSS_BOUND_OFFSET = WELCOME_SOURCE_LAST_POSITION_OFFSET + 8;
    static final int WELCOME_LENGTH = WELCOME_LOSS_BOUND_OFFSET + 8;

    // DATA (source -> sink): then entryCount times { int32 length, bytes }
    static final int DATA_FIRST_POSITION_OFFSET = HEADER_LENGTH;
    static final int DATA_ENTRY_COUNT_OFFSET = DATA_FIRST_POSITION_OFFSET + 8;
    static final int DATA_SOURCE_NS_OFFSET = DATA_ENTRY_COUNT_OFFSET + 4;
    static final int DATA_ENTRIES_OFFSET = DATA_SOURCE_NS_OFFSET + 8;
    static final int ENTRY_LENGTH_PREFIX = 4;

    // ACK (sink -> source), HEARTBEAT (both ways), SWITCHOVER_REQUEST, HANDOVER and HANDOVER_ACCEPTED: the same layout
    // ACK (sink -> source) and HEARTBEAT (both ways): a position, then a source timestamp (the source's own clock
    // when it sends; the latest one the sink received when the sink sends)
    static final int POSITION_OFFSET = HEADER_LENGTH;
    static final int STAMP_OFFSET = POSITION_OFFSET + 8;
    static final int ACK_LENGTH = STAMP_OFFSET + 8;
    static final int HEARTBEAT_LENGTH = STAMP_OFFSET + 8;

    // CLOSE (both ways)
    static final int CLOSE_REASON_OFFSET = HEADER_LENGTH;
    static final int CLOSE_TEXT_LENGTH_OFFSET = CLOSE_REASON_OFFSET + 4;
    static final int CLOSE_TEXT_OFFSET = CLOSE_TEXT_LENGTH_OFFSET + 2;

    /** Longest frame a sink may send: all its frames are small. */
    static final int MAX_SINK_FRAME_LENGTH = 512;

    private FrameDescriptor()
    {
    }

    static void header(final MutableDirectBuffer buffer, final int offset, final int length, final int type)
    {
        buffer.putInt(offset + LENGTH_OFFSET, length, ORDER);
        buffer.putInt(offset + CRC_OFFSET, 0, ORDER);
        buffer.putShort(offset + TYPE_OFFSET, (short)type, ORDER);
        buffer.putShort(offset + TYPE_OFFSET + 2, (short)0, ORDER);
    }

    static int frameLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + LENGTH_OFFSET, ORDER);
    }

    static int type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + TYPE_OFFSET, ORDER);
    }

    /** The hello's kind and granted lease as one number, bound into the sink's proof so neither can be altered. */
    static long helloTerms(final int kind, final int leaseMs)
    {
        return ((long)kind << 32) | (leaseMs & 0xFFFFFFFFL);
    }

    static int helloLength(final int clusterNameLength)
    {
        return HELLO_CLUSTER_OFFSET + clusterNameLength;
    }

    static int closeLength(final int textLength)
    {
        return CLOSE_TEXT_OFFSET + textLength;
    }

    /** ASCII text of at most {@code max} bytes; other characters become '?'. */
    static byte[] ascii(final String text, final int max)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length <= max)
        {
            return bytes;
        }
        final byte[] cut = new byte[max];
        System.arraycopy(bytes, 0, cut, 0, max);
        return cut;
    }

    static String closeText(final DirectBuffer buffer, final int offset, final int frameLength)
    {
        final int textLength = buffer.getShort(offset + CLOSE_TEXT_LENGTH_OFFSET, ORDER);
        if (textLength < 0 || CLOSE_TEXT_OFFSET + textLength > frameLength)
        {
            return "";
        }
        final byte[] bytes = new byte[textLength];
        buffer.getBytes(offset + CLOSE_TEXT_OFFSET, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
