package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.Tags;
import dev.tandem.fix.dictionary.MessageValidator;
import dev.tandem.journal.JournalEntry;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes a {@link FixSession}'s session-level messages: Logon, Logout, Heartbeat, ResendRequest and Reject (journaled
 * like any outbound message), and the resend path's messages that are not journaled again (SequenceReset-GapFill and
 * application messages again with PossDupFlag=Y). Encoding goes through the session's encoder and outbound queue.
 * <p>
 * Not thread safe: the owning engine's duty-cycle thread only.
 */
final class AdminMessages
{
    private final FixSession session;

    AdminMessages(final FixSession session)
    {
        this.session = session;
    }

    void sendLogout(final CharSequence reason)
    {
        if (beginAdmin('5'))
        {
            if (reason != null)
            {
                session.encoder.putAscii(Tags.TEXT, reason);
            }
            else if (session.text.length() > 0)
            {
                session.encoder.putAscii(Tags.TEXT, session.text);
            }
            session.text.setLength(0);
            commitAdmin();
        }
    }

    boolean sendLogon(final int heartbeatIntervalSec, final boolean resetSeqNumFlag, final int nextExpected)
    {
        if (!beginAdmin('A'))
        {
            return false;
        }
        session.encoder.putInt(Tags.ENCRYPT_METHOD, 0).putInt(Tags.HEART_BT_INT, heartbeatIntervalSec);
        if (resetSeqNumFlag)
        {
            session.encoder.putChar(Tags.RESET_SEQ_NUM_FLAG, 'Y');
        }
        if (nextExpected > 0)
        {
            session.encoder.putInt(Tags.NEXT_EXPECTED_MSG_SEQ_NUM, nextExpected);
        }
        if (SessionConfig.FIXT11.equals(session.beginString))
        {
            session.encoder.putAscii(Tags.DEFAULT_APPL_VER_ID, session.config.defaultApplVerId());
        }
        return commitAdmin() > 0;
    }

    void sendHeartbeat(final DirectBuffer testReqId, final int offset, final int length)
    {
        if (beginAdmin('0'))
        {
            if (testReqId != null)
            {
                session.encoder.putBytes(Tags.TEST_REQ_ID, testReqId, offset, length);
            }
            commitAdmin();
        }
    }

    void sendResendRequest(final int beginSeqNo)
    {
        if (beginAdmin('2'))
        {
            session.encoder.putInt(Tags.BEGIN_SEQ_NO, beginSeqNo).putInt(Tags.END_SEQ_NO, 0);
            commitAdmin();
        }
    }

    /** A session Reject for a message that failed dictionary validation, with the validator's reason and tag. */
    void sendValidationReject(final FixDecoder rejected, final MessageValidator validator)
    {
        if (validator.reason() == MessageValidator.UNSUPPORTED_MSG_TYPE)
        {
            sendBusinessReject(rejected, MessageValidator.BUSINESS_REJECT_UNSUPPORTED_MSG_TYPE, validator.text());
            return;
        }
        sendReject(rejected, validator.refTagId(), validator.reason(), validator.text());
    }

    /** BusinessMessageReject (35=j): RefSeqNum, RefMsgType, BusinessRejectReason and Text, routing reversed. */
    void sendBusinessReject(final FixDecoder rejected, final int businessRejectReason, final CharSequence text)
    {
        if (beginSessionMessage('j', 0))
        {
            putReversedRouting(rejected);
            session.encoder.putInt(Tags.REF_SEQ_NUM, Math.max(rejected.msgSeqNum(), 0)).putAscii(Tags.TEXT, text);
            session.encoder.putBytes(
                Tags.REF_MSG_TYPE, rejected.buffer(), rejected.msgTypeOffset(), rejected.msgTypeLength());
            session.encoder.putInt(BUSINESS_REJECT_REASON, businessRejectReason);
            commitAdmin();
        }
    }

    /** BusinessRejectReason. */
    private static final int BUSINESS_REJECT_REASON = 380;

    void sendReject(
        final FixDecoder rejected, final int refTagId, final int reason, final CharSequence reasonText)
    {
        final int refSeqNum = rejected.msgSeqNum();
        if (beginAdmin('3'))
        {
            putReversedRouting(rejected);
            session.encoder.putInt(Tags.REF_SEQ_NUM, Math.max(refSeqNum, 0)).putAscii(Tags.TEXT, reasonText);
            if (refTagId > 0)
            {
                session.encoder.putInt(Tags.REF_TAG_ID, refTagId);
            }
            session.encoder.putBytes(
                Tags.REF_MSG_TYPE, rejected.buffer(), rejected.msgTypeOffset(), rejected.msgTypeLength());
            // FIX 4.2 defines reasons 0..11 only
            if (reason <= 11 || !SessionConfig.FIX42.equals(session.beginString))
            {
                session.encoder.putInt(Tags.SESSION_REJECT_REASON, reason);
            }
            commitAdmin();
        }
    }

    /**
     * Third-party routing: the answer to a message sent on behalf of someone (OnBehalfOf*) goes back to them
     * (DeliverTo*), and the other way round. Header fields, written right after the standard header.
     */
    private void putReversedRouting(final FixDecoder rejected)
    {
        for (int i = 0; i < ROUTING_TAGS.length; i += 2)
        {
            final int index = rejected.fieldIndex(ROUTING_TAGS[i]);
            if (index >= 0)
            {
                session.encoder.putBytes(ROUTING_TAGS[i + 1], rejected.buffer(), rejected.valueOffset(index),
                    rejected.valueLength(index));
            }
        }
    }

    /** Pairs (received tag, tag it is answered in): OnBehalfOf/DeliverTo CompID, SubID and LocationID. */
    private static final int[] ROUTING_TAGS = {115, 128, 128, 115, 116, 129, 129, 116, 144, 145, 145, 144};

    boolean beginAdmin(final char msgType)
    {
        return beginSessionMessage(msgType, JournalEntry.FLAG_ADMIN);
    }

    /**
     * Claims a message the session sends on its own; {@code flags} 0 for an application-level one (a
     * BusinessMessageReject), which a resend sends again instead of gap-filling.
     */
    private boolean beginSessionMessage(final char msgType, final int flags)
    {
        if (session.connection() == null)
        {
            return false;
        }
        if (!session.beginClaim(flags))
        {
            session.engine.onSlowConsumer(session, "no room for a session-level message");
            session.disconnect("slow consumer: no room for a session-level message");
            return false;
        }
        session.encoder.putChar(Tags.MSG_TYPE, msgType);
        session.putStandardHeader();
        return true;
    }

    long commitAdmin()
    {
        final long position = session.commit();
        if (position < 0)
        {
            session.disconnect("could not session.journal a session-level message (status " + position + ")");
        }
        return position;
    }

    /** Queues a SequenceReset-GapFill from {@code msgSeqNum} to {@code newSeqNo}. */
    boolean queueGapFill(final int msgSeqNum, final int newSeqNo)
    {
        final int offset = session.outbound.claim(session.maxMessageLength);
        if (offset < 0)
        {
            return false;
        }
        session.encoder.wrap(session.outbound.buffer(), offset, session.maxMessageLength)
            .putChar(Tags.MSG_TYPE, '4')
            .putInt(Tags.MSG_SEQ_NUM, msgSeqNum)
            .putChar(Tags.POSS_DUP_FLAG, 'Y')
            .putAscii(Tags.SENDER_COMP_ID, session.senderCompId)
            .putTimestampMs(Tags.SENDING_TIME, session.engine.nowMs())
            .putAscii(Tags.TARGET_COMP_ID, session.targetCompId)
            .putTimestampMs(Tags.ORIG_SENDING_TIME, session.engine.nowMs())
            .putInt(Tags.NEW_SEQ_NO, newSeqNo)
            .putChar(Tags.GAP_FILL_FLAG, 'Y');
        return queueUnjournaled(offset);
    }

    /** Queues a journaled application message again with PossDupFlag=Y, OrigSendingTime and a new SendingTime. */
    boolean queueResend(final FixDecoder original, final int msgSeqNum)
    {
        final int offset = session.outbound.claim(session.maxMessageLength);
        if (offset < 0)
        {
            return false;
        }
        session.encoder.wrap(session.outbound.buffer(), offset, session.maxMessageLength)
            .putBytes(Tags.MSG_TYPE, original.buffer(), original.msgTypeOffset(), original.msgTypeLength())
            .putInt(Tags.MSG_SEQ_NUM, msgSeqNum)
            .putChar(Tags.POSS_DUP_FLAG, 'Y')
            .putAscii(Tags.SENDER_COMP_ID, session.senderCompId)
            .putTimestampMs(Tags.SENDING_TIME, session.engine.nowMs())
            .putAscii(Tags.TARGET_COMP_ID, session.targetCompId);
        final int sendingTimeIndex = original.fieldIndex(Tags.SENDING_TIME);
        if (sendingTimeIndex >= 0)
        {
            session.encoder.putBytes(Tags.ORIG_SENDING_TIME, original.buffer(),
                original.valueOffset(sendingTimeIndex), original.valueLength(sendingTimeIndex));
        }
        else
        {
            session.encoder.putTimestampMs(Tags.ORIG_SENDING_TIME, session.engine.nowMs());
        }
        final int bodyStart = original.bodyStartIndex();
        for (int i = 3; i < bodyStart; i++)
        {
            final int tag = original.tag(i);
            if (tag != Tags.MSG_SEQ_NUM && tag != Tags.POSS_DUP_FLAG && tag != Tags.SENDER_COMP_ID &&
                tag != Tags.SENDING_TIME && tag != Tags.TARGET_COMP_ID && tag != Tags.ORIG_SENDING_TIME &&
                tag != Tags.POSS_RESEND)
            {
                session.encoder.putBytes(tag, original.buffer(), original.valueOffset(i), original.valueLength(i));
            }
        }
        session.encoder.putRawFields(original.buffer(), original.bodyOffset(), original.bodyLength());
        return queueUnjournaled(offset);
    }

    boolean queueUnjournaled(final int offset)
    {
        final int length = session.encoder.finish(session.beginString);
        if (length < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = session.outbound.buffer();
        final int messageOffset = session.encoder.messageOffset();
        if (messageOffset != offset)
        {
            buffer.putBytes(offset, buffer, messageOffset, length);
        }
        session.commitUnjournaled(length);
        return true;
    }
}
