package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.Tags;
import dev.tandem.fix.dictionary.MessageValidator;
import dev.tandem.journal.Direction;
import dev.tandem.journal.JournalEntry;

/**
 * The inbound half of a {@link FixSession}: sequence checks, the session-level messages the counterparty sends
 * (Logon reply, Logout, SequenceReset, ResendRequest, TestRequest), the queue of messages held while a gap is being
 * filled, journaling in sequence and delivery to the application. It decides; the session's state changes only
 * through the session's transitions ({@code targetAdvanced}, {@code gapFilled}, {@code sequenceReset},
 * {@code seqNumsReset}, {@code logoutSent}, {@code disconnecting}, {@code disconnected}). It keeps only the end of the
 * gap it asked a resend for.
 * <p>
 * Not thread safe: the owning engine's duty-cycle thread only.
 */
final class SessionInbound
{
    private final FixSession session;
    /** The last MsgSeqNum of the gap our outstanding ResendRequest asks for; 0 when none is outstanding. */
    private int awaitingResendUpTo;

    SessionInbound(final FixSession session)
    {
        this.session = session;
    }

    /** A valid frame arrived on this session's connection. */
    void onInbound(final FixDecoder decoder)
    {
        session.inboundArrived();
        if (session.state() == SessionState.DISCONNECTING || session.state() == SessionState.DISCONNECTED)
        {
            return;
        }
        if (session.state() == SessionState.LOGON_SENT)
        {
            onLogonReply(decoder);
            return;
        }
        if (!decoder.valueEquals(Tags.BEGIN_STRING, session.beginString))
        {
            session.logoutAndDisconnect("Incorrect BeginString");
            return;
        }
        final boolean isSequenceReset = decoder.isMsgType('4');
        final boolean gapFill = isSequenceReset && decoder.booleanValue(Tags.GAP_FILL_FLAG);
        // a missing CompID or SendingTime is "Required tag missing", answered in sequence (processInSequence)
        final boolean compIdsPresent =
            decoder.fieldIndex(Tags.SENDER_COMP_ID) >= 0 && decoder.fieldIndex(Tags.TARGET_COMP_ID) >= 0;
        if (compIdsPresent && (!decoder.valueEquals(Tags.SENDER_COMP_ID, session.targetCompId) ||
            !decoder.valueEquals(Tags.TARGET_COMP_ID, session.senderCompId)))
        {
            session.admin.sendReject(decoder, 0, FixSession.REASON_COMP_ID_PROBLEM, "CompID problem");
            session.initiateLogout(null);
            return;
        }
        if (decoder.fieldIndex(Tags.SENDING_TIME) >= 0 && !sendingTimeAccurate(decoder))
        {
            session.admin.sendReject(
                decoder, Tags.SENDING_TIME, FixSession.REASON_SENDING_TIME_ACCURACY, "SendingTime accuracy problem");
            session.initiateLogout(null);
            return;
        }
        final int msgSeqNum = decoder.msgSeqNum();
        if (msgSeqNum > FixContext.MAX_MSG_SEQ_NUM)
        {
            session.logoutAndDisconnect("MsgSeqNum above " + FixContext.MAX_MSG_SEQ_NUM);
            return;
        }
        if (session.state() == SessionState.LOGGED_ON && decoder.isMsgType('A') &&
            decoder.booleanValue(Tags.RESET_SEQ_NUM_FLAG))
        {
            onResetLogon(decoder, msgSeqNum);
            return;
        }
        if (decoder.isMsgType('5'))
        {
            onLogout(decoder, msgSeqNum);
            return;
        }
        if (isSequenceReset && !gapFill)
        {
            onSequenceReset(decoder);
            return;
        }
        if (msgSeqNum <= 0)
        {
            session.logoutAndDisconnect("MsgSeqNum missing or not positive");
            return;
        }
        if (decoder.isMsgType('2'))
        {
            serveResendRequest(decoder);
            if (session.state() != SessionState.LOGGED_ON && session.state() != SessionState.LOGOUT_SENT)
            {
                return;
            }
            if (msgSeqNum > session.nextTargetSeqNum())
            {
                queueAndRequestResend(decoder, msgSeqNum);
            }
            else if (msgSeqNum == session.nextTargetSeqNum())
            {
                processInSequence(decoder, true);
                drainQueue();
            }
            return;
        }
        if (msgSeqNum > session.nextTargetSeqNum())
        {
            queueAndRequestResend(decoder, msgSeqNum);
            return;
        }
        if (msgSeqNum < session.nextTargetSeqNum())
        {
            onTooLow(decoder, msgSeqNum, isSequenceReset);
            return;
        }
        processInSequence(decoder, false);
        drainQueue();
    }

    void onLogonReply(final FixDecoder decoder)
    {
        if (!decoder.isMsgType('A'))
        {
            session.disconnect(decoder.isMsgType('5') ? "Logon refused by a Logout" : "first message is not a Logon");
            return;
        }
        if (!decoder.valueEquals(Tags.BEGIN_STRING, session.beginString) ||
            !decoder.valueEquals(Tags.SENDER_COMP_ID, session.targetCompId) ||
            !decoder.valueEquals(Tags.TARGET_COMP_ID, session.senderCompId))
        {
            session.disconnect("Logon reply with wrong BeginString or CompIDs");
            return;
        }
        final int msgSeqNum = decoder.msgSeqNum();
        if (msgSeqNum <= 0 || msgSeqNum > FixContext.MAX_MSG_SEQ_NUM)
        {
            session.disconnect("Logon reply without a valid MsgSeqNum");
            return;
        }
        // refused with a Logout: LOGON_SENT goes straight to DISCONNECTING
        if (msgSeqNum < session.nextTargetSeqNum())
        {
            session.logoutAndDisconnect(tooLowText(msgSeqNum));
            return;
        }
        if (!session.logon.logonValid(decoder))
        {
            session.logoutAndDisconnect(null);
            return;
        }
        session.logon.completeLogon(decoder, msgSeqNum, session.config.heartbeatIntervalSec() * 1_000_000_000L);
    }

    /**
     * A Logon with ResetSeqNumFlag=Y while logged on: both sides start again from 1. The reset is journaled as a
     * sequence change, the Logon is journaled as inbound 1 and answered with our Logon 141=Y as outbound 1.
     */
    void onResetLogon(final FixDecoder logon, final int msgSeqNum)
    {
        if (msgSeqNum != 1)
        {
            session.logoutAndDisconnect("Logon with ResetSeqNumFlag=Y must have MsgSeqNum 1");
            return;
        }
        if (!session.logon.logonValid(logon))
        {
            session.logoutAndDisconnect(null);
            return;
        }
        session.inboundQueue.clear();
        session.resender.cancel();
        awaitingResendUpTo = 0;
        session.seqNumsReset();
        session.targetAdvanced(logon);
        session.admin.sendLogon((int)(session.heartbeatIntervalNs() / 1_000_000_000L), true, 0);
    }

    void onLogout(final FixDecoder decoder, final int msgSeqNum)
    {
        session.logoutReceived(decoder);
        if (msgSeqNum == session.nextTargetSeqNum())
        {
            session.targetAdvanced(decoder);
        }
        if (session.state() == SessionState.LOGOUT_SENT)
        {
            session.disconnect("Logout confirmed");
            return;
        }
        session.admin.sendLogout(null);
        session.beginDisconnecting();
    }

    void onSequenceReset(final FixDecoder decoder)
    {
        final int newSeqNo = decoder.intValue(Tags.NEW_SEQ_NO, -1);
        if (newSeqNo <= 0)
        {
            session.admin.sendReject(
                decoder, Tags.NEW_SEQ_NO, FixSession.REASON_REQUIRED_TAG_MISSING, "Required tag missing");
        }
        else if (newSeqNo > FixContext.MAX_MSG_SEQ_NUM)
        {
            session.admin.sendReject(decoder, Tags.NEW_SEQ_NO, FixSession.REASON_VALUE_INCORRECT,
                "Value is incorrect (out of range) for this tag");
        }
        else if (newSeqNo > session.nextTargetSeqNum())
        {
            session.sequenceReset(newSeqNo);
            drainQueue();
        }
        else if (newSeqNo < session.nextTargetSeqNum())
        {
            // RefTagID is left out on purpose: the QuickFIX acceptance scripts expect this Reject without it
            session.admin.sendReject(
                decoder, 0, FixSession.REASON_VALUE_INCORRECT, "Value is incorrect (out of range) for this tag");
        }
    }

    void onTooLow(final FixDecoder decoder, final int msgSeqNum, final boolean isSequenceReset)
    {
        if (!decoder.possDup())
        {
            session.logoutAndDisconnect(tooLowText(msgSeqNum));
            return;
        }
        if (!isSequenceReset)
        {
            possDupSendingTimesValid(decoder);
        }
        // otherwise a duplicate we already have: ignored
    }

    /**
     * A PossDupFlag=Y message must carry OrigSendingTime (else Reject 373=1, RefTagID 122) not after its SendingTime
     * (else Reject 373=10 and Logout; without RefTagID, as the QuickFIX acceptance script 2f expects).
     *
     * @return true when both hold; false after the Reject.
     */
    boolean possDupSendingTimesValid(final FixDecoder decoder)
    {
        final long origSendingTimeMs = decoder.timestampMs(Tags.ORIG_SENDING_TIME, Long.MIN_VALUE);
        if (origSendingTimeMs == Long.MIN_VALUE)
        {
            session.admin.sendReject(
                decoder, Tags.ORIG_SENDING_TIME, FixSession.REASON_REQUIRED_TAG_MISSING, "Required tag missing");
            return false;
        }
        if (origSendingTimeMs > decoder.timestampMs(Tags.SENDING_TIME, Long.MIN_VALUE))
        {
            session.admin.sendReject(
                decoder, 0, FixSession.REASON_SENDING_TIME_ACCURACY, "SendingTime accuracy problem");
            session.initiateLogout(null);
            return false;
        }
        return true;
    }

    /** @return the first of SenderCompID, TargetCompID, SendingTime the message lacks, or 0. */
    private static int missingHeaderTag(final FixDecoder decoder)
    {
        if (decoder.fieldIndex(Tags.SENDER_COMP_ID) < 0)
        {
            return Tags.SENDER_COMP_ID;
        }
        if (decoder.fieldIndex(Tags.TARGET_COMP_ID) < 0)
        {
            return Tags.TARGET_COMP_ID;
        }
        return decoder.fieldIndex(Tags.SENDING_TIME) < 0 ? Tags.SENDING_TIME : 0;
    }

    /** The message carries the expected MsgSeqNum: journal it, act on it, deliver it. */
    void processInSequence(final FixDecoder decoder, final boolean resendAlreadyServed)
    {
        final int msgSeqNum = decoder.msgSeqNum();
        session.targetAdvanced(decoder);
        if (decoder.truncated())
        {
            // well formed, so its MsgSeqNum is used up (journaled above), but it cannot be read field by field
            session.text.setLength(0);
            session.text.append("Message has more than ").append(decoder.fieldCount()).append(" fields");
            session.admin.sendReject(decoder, 0, FixSession.REASON_OTHER, session.text);
            return;
        }
        final int missingHeaderTag = missingHeaderTag(decoder);
        if (missingHeaderTag != 0)
        {
            session.admin.sendReject(
                decoder, missingHeaderTag, FixSession.REASON_REQUIRED_TAG_MISSING, "Required tag missing");
            return;
        }
        if (decoder.possDup() && !decoder.isMsgType('4') && !possDupSendingTimesValid(decoder))
        {
            return;
        }
        // dictionary validation: a rejected message has consumed its number and goes no further; a Logon that fails
        // is answered with a Logout, as at the start of a session (SessionLogon.logonValid)
        if (decoder.isMsgType('A'))
        {
            if (!session.logon.logonValid(decoder))
            {
                session.logoutAndDisconnect(null);
                return;
            }
        }
        else if (session.validator != null && session.validator.validate(decoder) != MessageValidator.VALID)
        {
            session.admin.sendValidationReject(decoder, session.validator);
            return;
        }
        if (decoder.isAdmin())
        {
            final char type = (char)decoder.buffer().getByte(decoder.msgTypeOffset());
            switch (type)
            {
                case '1':
                {
                    final int index = decoder.fieldIndex(Tags.TEST_REQ_ID);
                    if (index >= 0)
                    {
                        session.admin.sendHeartbeat(
                            decoder.buffer(), decoder.valueOffset(index), decoder.valueLength(index));
                    }
                    else
                    {
                        session.admin.sendHeartbeat(null, 0, 0);
                    }
                    break;
                }
                case '2':
                    if (!resendAlreadyServed)
                    {
                        serveResendRequest(decoder);
                    }
                    break;
                case '4':
                {
                    final int newSeqNo = decoder.intValue(Tags.NEW_SEQ_NO, -1);
                    if (newSeqNo > session.nextTargetSeqNum() && newSeqNo <= FixContext.MAX_MSG_SEQ_NUM)
                    {
                        session.gapFilled(newSeqNo);
                    }
                    else if (newSeqNo <= msgSeqNum || newSeqNo > FixContext.MAX_MSG_SEQ_NUM)
                    {
                        session.admin.sendReject(decoder, Tags.NEW_SEQ_NO, FixSession.REASON_VALUE_INCORRECT,
                            "Value is incorrect (out of range) for this tag");
                    }
                    break;
                }
                case 'A':
                    if (!resendAlreadyServed)
                    {
                        session.logoutAndDisconnect("Logon received while logged on");
                    }
                    break;
                default:
                    break;
            }
            return;
        }
        session.deliver(decoder);
    }

    void drainQueue()
    {
        while ((session.state() == SessionState.LOGGED_ON || session.state() == SessionState.LOGOUT_SENT) &&
            !session.inboundQueue.isEmpty())
        {
            final int record = session.inboundQueue.find(session.nextTargetSeqNum());
            if (record < 0)
            {
                break;
            }
            final int length = session.inboundQueue.take(record, session.dequeueBuffer);
            final FixDecoder queueDecoder = session.engine.queueDecoder();
            final int status = queueDecoder.wrap(session.dequeueBuffer, 0, length);
            if (status == FixDecoder.OK || status == FixDecoder.TOO_MANY_FIELDS)
            {
                processInSequence(queueDecoder, true);
            }
        }
        session.inboundQueue.dropBelow(session.nextTargetSeqNum());
        if (awaitingResendUpTo != 0 && session.nextTargetSeqNum() > awaitingResendUpTo)
        {
            awaitingResendUpTo = 0;
        }
        if (awaitingResendUpTo == 0 && session.state() == SessionState.LOGGED_ON &&
            !session.inboundQueue.isEmpty())
        {
            final int lowest = session.inboundQueue.lowestSeqNum();
            if (lowest > session.nextTargetSeqNum())
            {
                session.admin.sendResendRequest(session.nextTargetSeqNum());
                awaitingResendUpTo = lowest - 1;
            }
        }
    }

    void queueAndRequestResend(final FixDecoder decoder, final int msgSeqNum)
    {
        session.inboundQueue.offer(msgSeqNum, decoder.buffer(), decoder.offset(), decoder.length());
        if (awaitingResendUpTo == 0)
        {
            session.admin.sendResendRequest(session.nextTargetSeqNum());
            awaitingResendUpTo = msgSeqNum - 1;
        }
    }

    void serveResendRequest(final FixDecoder decoder)
    {
        final int beginSeqNo = decoder.intValue(Tags.BEGIN_SEQ_NO, -1);
        final int endSeqNo = decoder.intValue(Tags.END_SEQ_NO, -1);
        if (beginSeqNo <= 0 || endSeqNo < 0 || (endSeqNo != 0 && endSeqNo < beginSeqNo) ||
            beginSeqNo > FixContext.MAX_MSG_SEQ_NUM || endSeqNo > FixContext.MAX_MSG_SEQ_NUM)
        {
            session.admin.sendReject(decoder,
                beginSeqNo <= 0 || beginSeqNo > FixContext.MAX_MSG_SEQ_NUM ? Tags.BEGIN_SEQ_NO : Tags.END_SEQ_NO,
                FixSession.REASON_VALUE_INCORRECT,
                "Value is incorrect (out of range) for this tag");
            return;
        }
        final int last = session.nextSenderSeqNum() - 1;
        final int end = endSeqNo == 0 || endSeqNo > last ? last : endSeqNo;
        if (beginSeqNo <= end)
        {
            session.engine.onResendRequestServed();
            session.resender.start(beginSeqNo, end);
            session.resender.pump();
        }
    }

    /** Forgets the outstanding ResendRequest (a new connection, a disconnect, a reset): the session calls it. */
    void clearResendWait()
    {
        awaitingResendUpTo = 0;
    }

    boolean sendingTimeAccurate(final FixDecoder decoder)
    {
        final long sendingTimeMs = decoder.timestampMs(Tags.SENDING_TIME, Long.MIN_VALUE);
        return sendingTimeMs != Long.MIN_VALUE &&
            Math.abs(sendingTimeMs - session.engine.nowMs()) <= session.engine.context().sendingTimeToleranceMs();
    }

    String tooLowText(final int msgSeqNum)
    {
        session.text.setLength(0);
        session.text.append("MsgSeqNum too low, expecting ").append(session.nextTargetSeqNum())
            .append(" but received ").append(msgSeqNum);
        return null;
    }
}
