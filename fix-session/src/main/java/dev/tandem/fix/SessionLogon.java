package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.Tags;
import dev.tandem.fix.dictionary.MessageValidator;

/**
 * The Logon of a {@link FixSession}, both roles: binding a connection, loading (or resetting) the sequence numbers
 * from the journal, the acceptor's checks of a counterparty's Logon including NextExpectedMsgSeqNum (789), the
 * initiator's Logon, and completing the Logon. It decides; the session's state changes only through the session's
 * transitions ({@code logonReceived}, {@code logonSent}, {@code senderSkipped}, {@code logonCompleted}).
 * <p>
 * Not thread safe: the owning engine's duty-cycle thread only.
 */
final class SessionLogon
{
    private final FixSession session;
    /** Sequence headroom still to be added at the next Logon without 789: once per session per activation. */
    private boolean headroomPending;
    /** The outbound MsgSeqNums skipped by this Logon, reported to the application once it completes; 0 for none. */
    private int skippedFromSeqNum;
    private int skippedToSeqNum;

    SessionLogon(final FixSession session, final FixContext context)
    {
        this.session = session;
        this.headroomPending = context.lostOutboundBound() > 0;
    }

    /** Acceptor: a new connection's first message is a Logon for this session. */
    void acceptLogon(final Connection connection, final FixDecoder logon)
    {
        final boolean valid = logonValid(logon);
        // an invalid Logon resets nothing it asks for (141=Y); a session configured to reset on every Logon does
        final boolean resetRequested = valid && logon.booleanValue(Tags.RESET_SEQ_NUM_FLAG);
        final boolean reset = session.config.resetOnLogon() || resetRequested;
        session.logonReceived(connection, reset);
        if (!valid)
        {
            session.logoutAndDisconnect(null);
            return;
        }

        final int heartbeatIntervalSec = logon.intValue(Tags.HEART_BT_INT, -1);
        if (heartbeatIntervalSec < 0 || heartbeatIntervalSec > 3600)
        {
            session.logoutAndDisconnect("HeartBtInt missing or out of range");
            return;
        }
        if (!session.inbound.sendingTimeAccurate(logon))
        {
            session.logoutAndDisconnect("SendingTime accuracy problem");
            return;
        }
        if (SessionConfig.FIXT11.equals(session.beginString) && logon.fieldIndex(Tags.DEFAULT_APPL_VER_ID) < 0)
        {
            // FIXT.1.1: the Logon names the application version of the session; without it nothing can be read
            session.logoutAndDisconnect("DefaultApplVerID(1137) missing in a FIXT.1.1 Logon");
            return;
        }
        final int msgSeqNum = logon.msgSeqNum();
        if (msgSeqNum <= 0 || msgSeqNum > FixContext.MAX_MSG_SEQ_NUM)
        {
            session.logoutAndDisconnect("MsgSeqNum missing, not positive or above " + FixContext.MAX_MSG_SEQ_NUM);
            return;
        }
        if (msgSeqNum < session.nextTargetSeqNum())
        {
            session.logoutAndDisconnect(session.inbound.tooLowText(msgSeqNum));
            return;
        }
        final boolean has789 = logon.contains(Tags.NEXT_EXPECTED_MSG_SEQ_NUM);
        final int nextExpected = has789 ? logon.intValue(Tags.NEXT_EXPECTED_MSG_SEQ_NUM, -1) : 0;
        if (has789 && (nextExpected <= 0 || nextExpected > FixContext.MAX_MSG_SEQ_NUM))
        {
            session.logoutAndDisconnect("NextExpectedMsgSeqNum(789) must be an integer within 1.." +
                FixContext.MAX_MSG_SEQ_NUM);
            return;
        }
        if (!reset && nextExpected > session.nextSenderSeqNum())
        {
            final int maxSkip = session.engine.context().maxOutboundSkipOnLogon();
            if ((long)nextExpected - session.nextSenderSeqNum() > maxSkip)
            {
                session.logoutAndDisconnect("NextExpectedMsgSeqNum(789) " + nextExpected +
                    " is beyond our next MsgSeqNum " + session.nextSenderSeqNum() + " by more than " + maxSkip);
                return;
            }
            skipLostOutbound(nextExpected);
        }
        else if (!reset && !has789 && headroomPending)
        {
            final long headroomTo = (long)session.nextSenderSeqNum() + session.engine.context().lostOutboundBound();
            if (headroomTo > FixContext.MAX_MSG_SEQ_NUM)
            {
                session.logoutAndDisconnect("MsgSeqNum range exhausted: a sequence reset is required");
                return;
            }
            skipHeadroom((int)headroomTo);
        }
        // once per session per activation: any accepted Logon uses up the headroom, which the journal now records
        headroomPending = false;
        // FIX 4.4: the reply's 789 counts the Logon being answered when it is the one we expect
        final int nextTargetSeqNum = session.nextTargetSeqNum();
        final int echo = nextExpected <= 0 ? 0 :
            msgSeqNum == nextTargetSeqNum ? nextTargetSeqNum + 1 : nextTargetSeqNum;
        if (!session.admin.sendLogon(heartbeatIntervalSec, resetRequested, echo))
        {
            return;
        }
        completeLogon(logon, msgSeqNum, heartbeatIntervalSec * 1_000_000_000L);
    }

    /**
     * Checks a Logon against the session's dictionary. A Logon that fails is not answered with a Reject (no session
     * exists yet, or it is a session-level message that would start one again) but with a Logout naming the problem,
     * then the connection is closed: the FIX session test cases' answer to a Logon that is not properly formed, and
     * what QuickFIX/J does ("Invalid Logon message: ..." and disconnect). The Text is left in the session's
     * {@code text} for the Logout.
     *
     * @return true when the Logon passes (or validation is off); false with the Logout's Text written.
     */
    boolean logonValid(final FixDecoder logon)
    {
        final MessageValidator validator = session.validator;
        if (validator == null || validator.validate(logon) == MessageValidator.VALID)
        {
            return true;
        }
        session.text.setLength(0);
        session.text.append("Invalid Logon message: ").append(validator.text());
        if (validator.refTagId() > 0)
        {
            session.text.append(", field=").append(validator.refTagId());
        }
        return false;
    }

    /** Initiator: the TCP connection is up; send our Logon. */
    void initiatorConnected(final Connection connection)
    {
        session.logonSent(connection);
        session.admin.sendLogon(session.config.heartbeatIntervalSec(), session.config.resetOnLogon(),
            session.config.nextExpectedMsgSeqNum() ? session.nextTargetSeqNum() : 0);
    }

    /**
     * The counterparty has seen our messages up to {@code nextExpected - 1}, beyond what our journal holds: they went
     * out from a primary that died before they replicated. Journal a sequence change past them, so that the journal
     * alone says where we are; a ResendRequest for them finds nothing and is answered with a GapFill.
     */
    void skipLostOutbound(final int nextExpected)
    {
        session.engine.onOutboundLostBeforeLogon(session, session.nextSenderSeqNum(), nextExpected);
        skipTo(nextExpected);
    }

    /**
     * The first Logon after this node's activation carries no NextExpectedMsgSeqNum (789): the previous primary may
     * have sent up to {@link FixContext#lostOutboundBound()} messages that our journal lacks, and the counterparty
     * would take our next MsgSeqNum as too low. Move past all of them (journaled, so it replicates and survives a
     * restart); the counterparty sees a gap and its ResendRequest gets a GapFill over what we never held.
     */
    void skipHeadroom(final int nextSenderSeqNum)
    {
        session.engine.onSequenceHeadroom(session, session.nextSenderSeqNum(), nextSenderSeqNum);
        skipTo(nextSenderSeqNum);
    }

    private void skipTo(final int nextSenderSeqNum)
    {
        final int from = session.nextSenderSeqNum();
        session.senderSkipped(nextSenderSeqNum);
        skippedFromSeqNum = from;
        skippedToSeqNum = nextSenderSeqNum - 1;
    }

    /** The Logon exchange is done: {@code logon} (the counterparty's) is journaled in sequence or queued. */
    void completeLogon(final FixDecoder logon, final int msgSeqNum, final long heartbeatIntervalNs)
    {
        session.logonCompleted(heartbeatIntervalNs);
        if (msgSeqNum == session.nextTargetSeqNum())
        {
            session.targetAdvanced(logon);
        }
        else
        {
            session.inbound.queueAndRequestResend(logon, msgSeqNum);
        }
        session.engine.onLoggedOn(session);
        if (session.state() == SessionState.LOGGED_ON)
        {
            session.engine.application().onLogon(session);
        }
        final int skippedTo = skippedToSeqNum;
        if (skippedTo != 0)
        {
            skippedToSeqNum = 0;
            if (session.state() == SessionState.LOGGED_ON)
            {
                session.engine.application().onOutboundSkipped(session, skippedFromSeqNum, skippedTo);
            }
        }
    }
}
