package dev.tandem.journal;

import org.agrona.DirectBuffer;

/**
 * A read-only flyweight view of one journal entry, valid only inside the {@link EntryHandler} call that received it.
 * <p>
 * STUB: the journal issue fills in the layout. The accessors below are the contract other modules code against.
 */
public interface JournalEntry
{
    /** Entry type: a FIX message. */
    int TYPE_MESSAGE = 1;
    /** Entry type: a sequence-number change that is not a message (reset on logon, SequenceReset, operator set). */
    int TYPE_SEQUENCE = 2;

    /** Flag: an administrative (session-level) message, as opposed to an application message. */
    int FLAG_ADMIN = 1;
    /** Flag: the message carried PossDupFlag=Y. */
    int FLAG_POSS_DUP = 2;

    /** 1-based, gap-free position of this entry in the journal; identical on primary and replica. */
    long position();

    /** {@link #TYPE_MESSAGE} or {@link #TYPE_SEQUENCE}. */
    int type();

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

    /** For messages: the whole FIX message bytes. */
    DirectBuffer messageBuffer();

    int messageOffset();

    int messageLength();

    /** The whole encoded entry, exactly as stored: what replication ships and {@link Journal#appendReplicated} takes. */
    DirectBuffer rawBuffer();

    int rawOffset();

    int rawLength();
}
