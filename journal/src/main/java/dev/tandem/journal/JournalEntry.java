package dev.tandem.journal;

import org.agrona.DirectBuffer;

/**
 * A read-only flyweight view of one journal entry, valid only inside the {@link EntryHandler} call that received it
 * (copy what you need to keep). The encoded layout is in the module README: a 40-byte little-endian header
 * (CRC32C, version, type, direction, flags, position, session id, timestamp, seq nums) followed by the FIX message.
 * <p>
 * Threading: used by the thread that received it, during the call only.
 */
public interface JournalEntry
{
    /** Entry type: a FIX message. */
    int TYPE_MESSAGE = 1;
    /** Entry type: a sequence-number change that is not a message (reset on logon, SequenceReset, operator set). */
    int TYPE_SEQUENCE = 2;

    /** Flag: an administrative (session-level) message, as opposed to an application message. */
    int FLAG_ADMIN = 1;

    /** The largest MsgSeqNum a message entry may carry: 2^31 - 2, so that MsgSeqNum + 1 is still an int. */
    int MAX_SEQ_NUM = Integer.MAX_VALUE - 1;

    /** Flag: the message carried PossDupFlag=Y. */
    int FLAG_POSS_DUP = 2;

    /** 1-based, gap-free position of this entry in the journal; identical on primary and replica. */
    long position();

    /** {@link #TYPE_MESSAGE} or {@link #TYPE_SEQUENCE}. */
    int type();

    /** The session's id, chosen by the FIX layer. */
    long sessionId();

    /** For messages: the direction. */
    Direction direction();

    /** For messages: the message's MsgSeqNum. */
    int msgSeqNum();

    /** Epoch nanoseconds when the entry was journaled. */
    long timestampNs();

    /** For messages: {@link #FLAG_ADMIN}, {@link #FLAG_POSS_DUP}. */
    int flags();

    /** For sequence entries: the session's next sender MsgSeqNum after the change. */
    int nextSenderSeqNum();

    /** For sequence entries: the session's next expected target MsgSeqNum after the change. */
    int nextTargetSeqNum();

    /** For messages: the buffer holding the whole FIX message, at {@link #messageOffset()}. */
    DirectBuffer messageBuffer();

    /** Where the FIX message starts in {@link #messageBuffer()}. */
    int messageOffset();

    /** Length of the FIX message in bytes; 0 for sequence entries. */
    int messageLength();

    /** The whole encoded entry, exactly as stored: what replication ships and {@link Journal#appendReplicated} takes. */
    DirectBuffer rawBuffer();

    /** Where the encoded entry starts in {@link #rawBuffer()}. */
    int rawOffset();

    /** Length of the encoded entry in bytes: 40-byte header plus message. */
    int rawLength();
}
