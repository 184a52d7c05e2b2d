package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.Tags;

/**
 * The Logon of a {@link FixSession}, both roles: binding a connection, loading (or resetting) the sequence numbers
 * from the journal, the acceptor's checks of a counterparty's Logon including NextExpectedMsgSeqNum (789), the
 * initiator's Logon, and completing the Logon. State lives in the session.
 * <p>
 * Not thread safe: the owning engine's duty-cycle thread only.
 */
final class SessionLogon
{
    private final FixSession session;

    SessionLogon(final FixSession session)
    {
        this.session = session;
    }

    /** Acceptor: a new connection's first message is a Logon for this session. */
    void acceptLogon(final Connection connection, final FixDecoder logon)
    {
        bind(connection);
        final boolean resetRequested = logon.booleanValue(Tags.RESET_SEQ_NUM_FLAG);
        final boolean reset = session.config.resetOnLogon() || resetRequested;
        loadSequenceNumbers(reset);
        session.state = SessionState.LOGGED_ON;

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
        final int msgSeqNum = logon.msgSeqNum();
        if (msgSeqNum <= 0)
        {
            session.logoutAndDisconnect("MsgSeqNum missing or not positive");
            return;
        }
        if (msgSeqNum < session.nextTargetSeqNum)
        {
            session.logoutAndDisconnect(session.inbound.tooLowText(msgSeqNum));
            return;
        }
        final int nextExpected = logon.intValue(Tags.NEXT_EXPECTED_MSG_SEQ_NUM, 0);
        if (!reset && nextExpected > session.nextSenderSeqNum)
        {
            skipLostOutbound(nextExpected);
        }
        session.heartbeatIntervalNs = heartbeatIntervalSec * 1_000_000_000L;
        // FIX 4.4: the reply's 789 counts the Logon being answered when it is the one we expect
        final int echo = nextExpected <= 0 ? 0 :
            msgSeqNum == session.nextTargetSeqNum ? session.nextTargetSeqNum + 1 : session.nextTargetSeqNum;
        if (!session.admin.sendLogon(heartbeatIntervalSec, resetRequested, echo))
        {
            return;
        }
        completeLogon(logon, msgSeqNum);
    }

    /** Initiator: the TCP connection is up; send our Logon. */
    void initiatorConnected(final Connection connection)
    {
        bind(connection);
        loadSequenceNumbers(session.config.resetOnLogon());
        session.state = SessionState.LOGON_SENT;
        session.heartbeatIntervalNs = session.config.heartbeatIntervalSec() * 1_000_000_000L;
        session.deadlineNs = session.engine.nowNs() + session.engine.context().logonTimeoutMs() * 1_000_000L;
        session.admin.sendLogon(session.config.heartbeatIntervalSec(), session.config.resetOnLogon(),
            session.config.nextExpectedMsgSeqNum() ? session.nextTargetSeqNum : 0);
    }

    /**
     * The counterparty has seen our messages up to {@code nextExpected - 1}, beyond what our journal holds: they went
     * out from a primary that died before they replicated. Journal a sequence change past them, so that the journal
     * alone says where we are; a ResendRequest for them finds nothing and is answered with a GapFill.
     */
    void skipLostOutbound(final int nextExpected)
    {
        session.engine.onOutboundLostBeforeLogon(session, session.nextSenderSeqNum, nextExpected);
        session.journal.appendSequenceChange(
            session.sessionId, nextExpected, session.nextTargetSeqNum, session.engine.nowMs() * 1_000_000L);
        session.nextSenderSeqNum = nextExpected;
    }

    void bind(final Connection connection)
    {
        session.connection = connection;
        connection.session = session;
        session.lastReceivedNs = session.engine.nowNs();
        session.lastSentNs = session.engine.nowNs();
        session.testRequestPending = false;
        session.loggedOn = false;
        session.awaitingResendUpTo = 0;
        session.outboundFullSinceNs = 0;
        session.outbound.clear();
        session.inboundQueue.clear();
        session.resender.cancel();
    }

    void loadSequenceNumbers(final boolean reset)
    {
        if (reset)
        {
            session.nextSenderSeqNum = 1;
            session.nextTargetSeqNum = 1;
            session.journal.appendSequenceChange(session.sessionId, 1, 1, session.engine.nowMs() * 1_000_000L);
        }
        else
        {
            session.nextSenderSeqNum = session.journal.nextSenderSeqNum(session.sessionId);
            session.nextTargetSeqNum = session.journal.nextTargetSeqNum(session.sessionId);
        }
    }

    void completeLogon(final FixDecoder logon, final int msgSeqNum)
    {
        session.state = SessionState.LOGGED_ON;
        session.loggedOn = true;
        if (msgSeqNum == session.nextTargetSeqNum)
        {
            session.inbound.journalInbound(logon);
        }
        else
        {
            session.inbound.queueAndRequestResend(logon, msgSeqNum);
        }
        session.engine.onLoggedOn(session);
        if (session.state == SessionState.LOGGED_ON)
        {
            session.engine.application().onLogon(session);
        }
    }
}
