package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.fix.codec.Tags;
import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalEntry;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One FIX session: its sequence numbers, its session-level protocol and its send path.
 * <p>
 * Sending without allocating: {@link #tryClaim(CharSequence)} returns an encoder with the standard header already
 * written (MsgSeqNum, SenderCompID, SendingTime, TargetCompID); put the body fields, then {@link #commit()}, which
 * finishes the message, appends it to the journal and queues it for the release gate and the socket. Or
 * {@link #send(CharSequence, DirectBuffer, int, int)} with pre-encoded body fields. Both return the journal position
 * (positive) or a negative status: {@link #NOT_LOGGED_ON}, {@link #BACK_PRESSURED}, {@link #MESSAGE_TOO_LONG},
 * {@link #JOURNAL_REFUSED}.
 * <p>
 * Sequence numbers live in the journal: they are read from it when a connection logs on (so a restarted node, or a
 * standby that was just made Hot, carries on where the journal left off) and advanced by every append.
 * <p>
 * Threading: not thread safe. Call only from the thread running the owning {@link FixAcceptor}'s or
 * {@link FixInitiator}'s duty cycle (typically inside {@link FixApplication} callbacks or
 * {@link FixApplication#doWork(long)}).
 */
public final class FixSession
{
    /** The session is not logged on: nothing was sent or journaled. */
    public static final long NOT_LOGGED_ON = -2;
    /** The session's outbound buffer is full (a slow counterparty or a closed gate): try again later. */
    public static final long BACK_PRESSURED = -3;
    /** The message does not fit in {@link FixContext#maxMessageLengthBytes()}: nothing was sent. */
    public static final long MESSAGE_TOO_LONG = -4;
    /** The journal refused the append (see the error handler): nothing was sent. */
    public static final long JOURNAL_REFUSED = -5;

    static final int REASON_REQUIRED_TAG_MISSING = 1;
    static final int REASON_VALUE_INCORRECT = 5;
    static final int REASON_COMP_ID_PROBLEM = 9;
    static final int REASON_SENDING_TIME_ACCURACY = 10;

    private static final String TEST_REQ_ID = "TEST";

    private final FixEngine engine;
    private final SessionConfig config;
    private final long sessionId;
    private final String beginString;
    private final String senderCompId;
    private final String targetCompId;
    private final Journal journal;
    private final int maxMessageLength;
    private final OutboundQueue outbound;
    private final InboundQueue inboundQueue;
    private final FixEncoder encoder = new FixEncoder();
    private final FixDecoder queueDecoder = new FixDecoder();
    private final UnsafeBuffer dequeueBuffer;
    private final Resender resender;
    private final StringBuilder text = new StringBuilder(128);

    private SessionState state = SessionState.DISCONNECTED;
    private Connection connection;
    private FixDecoder currentDecoder;
    private boolean loggedOn;
    private int nextSenderSeqNum = 1;
    private int nextTargetSeqNum = 1;
    private long heartbeatIntervalNs;
    private long lastSentNs;
    private long lastReceivedNs;
    private boolean testRequestPending;
    private int awaitingResendUpTo;
    private long deadlineNs;
    private long outboundFullSinceNs;
    private int claimOffset = -1;
    private int claimFlags;
    private long lastStatus;

    FixSession(final FixEngine engine, final SessionConfig config, final FixContext context)
    {
        this.engine = engine;
        this.config = config;
        this.sessionId = config.sessionId();
        this.beginString = config.beginString();
        this.senderCompId = config.senderCompId();
        this.targetCompId = config.targetCompId();
        this.journal = context.journal();
        this.maxMessageLength = context.maxMessageLengthBytes();
        // one record per waiting message; ~64 bytes is about the smallest FIX message
        this.outbound = new OutboundQueue(
            context.outboundBufferBytes(), Math.min(context.outboundBufferBytes() / 64, 65_536));
        this.inboundQueue = new InboundQueue(context.inboundQueueBytes());
        this.dequeueBuffer = new UnsafeBuffer(new byte[maxMessageLength]);
        this.resender = new Resender(this, journal, sessionId);
    }

    /** The stable session id, see {@link SessionIds}. Any thread. */
    public long sessionId()
    {
        return sessionId;
    }

    /** The configuration. Any thread. */
    public SessionConfig config()
    {
        return config;
    }

    public SessionState state()
    {
        return state;
    }

    public boolean isLoggedOn()
    {
        return state == SessionState.LOGGED_ON;
    }

    /** The MsgSeqNum of the next message we send (meaningful while connected; the journal holds it otherwise). */
    public int nextSenderSeqNum()
    {
        return nextSenderSeqNum;
    }

    /** The MsgSeqNum we expect next from the counterparty. */
    public int nextTargetSeqNum()
    {
        return nextTargetSeqNum;
    }

    /** The decoder wrapped over the inbound message being delivered; valid only inside the callback. */
    public FixDecoder decoder()
    {
        return currentDecoder;
    }

    /** The status of the last {@link #tryClaim} that returned null. */
    public long lastStatus()
    {
        return lastStatus;
    }

    /**
     * Claims room for a message of type {@code msgType} with the standard header written. Put the body fields in
     * wire order, then call {@link #commit()} (or {@link #abort()}).
     *
     * @return the encoder, or null when the session is not logged on or is back-pressured (see {@link #lastStatus()}).
     */
    public FixEncoder tryClaim(final CharSequence msgType)
    {
        if (state != SessionState.LOGGED_ON)
        {
            lastStatus = NOT_LOGGED_ON;
            return null;
        }
        if (!beginClaim(isAdminType(msgType) ? JournalEntry.FLAG_ADMIN : 0))
        {
            return null;
        }
        encoder.msgType(msgType);
        return putStandardHeader();
    }

    /**
     * Finishes the claimed message, journals it and queues it for the release gate and the socket.
     *
     * @return the journal position, or a negative status.
     */
    public long commit()
    {
        if (claimOffset < 0)
        {
            throw new IllegalStateException("commit without a claim");
        }
        final int offset = claimOffset;
        claimOffset = -1;
        final int length = encoder.finish(beginString);
        if (length < 0)
        {
            return MESSAGE_TOO_LONG;
        }
        final MutableDirectBuffer buffer = outbound.buffer();
        final int messageOffset = encoder.messageOffset();
        if (messageOffset != offset)
        {
            buffer.putBytes(offset, buffer, messageOffset, length);
        }
        final long position;
        try
        {
            position = journal.appendMessage(
                sessionId, Direction.OUTBOUND, nextSenderSeqNum, engine.nowMs() * 1_000_000L, claimFlags,
                buffer, offset, length);
        }
        catch (final RuntimeException ex)
        {
            engine.onError(ex);
            return JOURNAL_REFUSED;
        }
        if (position <= 0)
        {
            return JOURNAL_REFUSED;
        }
        nextSenderSeqNum++;
        outbound.commit(length, position, engine.nowNs());
        lastSentNs = engine.nowNs();
        return position;
    }

    /** Drops a claimed message: nothing is journaled or sent. */
    public void abort()
    {
        claimOffset = -1;
    }

    /**
     * Sends a message of type {@code msgType} whose body fields ({@code tag=value<SOH>...}, without header or
     * trailer) are given encoded.
     *
     * @return the journal position, or a negative status.
     */
    public long send(final CharSequence msgType, final DirectBuffer body, final int bodyOffset, final int bodyLength)
    {
        final FixEncoder claimed = tryClaim(msgType);
        if (claimed == null)
        {
            return lastStatus;
        }
        claimed.putRawFields(body, bodyOffset, bodyLength);
        return commit();
    }

    /**
     * Sends a message whose MsgType value and body fields are given as bytes, e.g. straight from a
     * {@link FixDecoder} ({@code msgTypeOffset()}, {@code bodyOffset()}, {@code bodyLength()}) to echo a message.
     *
     * @return the journal position, or a negative status.
     */
    public long send(
        final DirectBuffer msgType,
        final int msgTypeOffset,
        final int msgTypeLength,
        final DirectBuffer body,
        final int bodyOffset,
        final int bodyLength)
    {
        if (state != SessionState.LOGGED_ON)
        {
            return NOT_LOGGED_ON;
        }
        final int flags = msgTypeLength == 1 && isAdminType((char)msgType.getByte(msgTypeOffset)) ?
            JournalEntry.FLAG_ADMIN : 0;
        if (!beginClaim(flags))
        {
            return lastStatus;
        }
        encoder.putBytes(Tags.MSG_TYPE, msgType, msgTypeOffset, msgTypeLength);
        putStandardHeader().putRawFields(body, bodyOffset, bodyLength);
        return commit();
    }

    /** Starts the Logout handshake: sends Logout and disconnects on the reply or after the logout timeout. */
    public void logout()
    {
        if (state == SessionState.LOGGED_ON)
        {
            initiateLogout(null);
        }
    }

    /** Closes the connection at once, without a Logout. */
    public void disconnect()
    {
        disconnect("disconnect requested");
    }

    @Override
    public String toString()
    {
        return "FixSession{" + config + ", id=" + sessionId + ", " + state + "}";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Engine side: connection life cycle
    // ---------------------------------------------------------------------------------------------------------------

    Connection connection()
    {
        return connection;
    }

    /** Acceptor: a new connection's first message is a Logon for this session. */
    void acceptLogon(final Connection connection, final FixDecoder logon)
    {
        bind(connection);
        final boolean resetRequested = logon.booleanValue(Tags.RESET_SEQ_NUM_FLAG);
        final boolean reset = config.resetOnLogon() || resetRequested;
        loadSequenceNumbers(reset);
        state = SessionState.LOGGED_ON;

        final int heartbeatIntervalSec = logon.intValue(Tags.HEART_BT_INT, -1);
        if (heartbeatIntervalSec < 0 || heartbeatIntervalSec > 3600)
        {
            logoutAndDisconnect("HeartBtInt missing or out of range");
            return;
        }
        if (!sendingTimeAccurate(logon))
        {
            logoutAndDisconnect("SendingTime accuracy problem");
            return;
        }
        final int msgSeqNum = logon.msgSeqNum();
        if (msgSeqNum <= 0)
        {
            logoutAndDisconnect("MsgSeqNum missing or not positive");
            return;
        }
        if (msgSeqNum < nextTargetSeqNum)
        {
            logoutAndDisconnect(tooLowText(msgSeqNum));
            return;
        }
        final int nextExpected = logon.intValue(Tags.NEXT_EXPECTED_MSG_SEQ_NUM, 0);
        if (!reset && nextExpected > nextSenderSeqNum)
        {
            skipLostOutbound(nextExpected);
        }
        heartbeatIntervalNs = heartbeatIntervalSec * 1_000_000_000L;
        // FIX 4.4: the reply's 789 counts the Logon being answered when it is the one we expect
        final int echo = nextExpected <= 0 ? 0 :
            msgSeqNum == nextTargetSeqNum ? nextTargetSeqNum + 1 : nextTargetSeqNum;
        if (!sendLogon(heartbeatIntervalSec, resetRequested, echo))
        {
            return;
        }
        completeLogon(logon, msgSeqNum);
    }

    /** Initiator: the TCP connection is up; send our Logon. */
    void initiatorConnected(final Connection connection)
    {
        bind(connection);
        loadSequenceNumbers(config.resetOnLogon());
        state = SessionState.LOGON_SENT;
        heartbeatIntervalNs = config.heartbeatIntervalSec() * 1_000_000_000L;
        deadlineNs = engine.nowNs() + engine.context().logonTimeoutMs() * 1_000_000L;
        sendLogon(config.heartbeatIntervalSec(), config.resetOnLogon(),
            config.nextExpectedMsgSeqNum() ? nextTargetSeqNum : 0);
    }

    /**
     * The counterparty has seen our messages up to {@code nextExpected - 1}, beyond what our journal holds: they went
     * out from a primary that died before they replicated. Journal a sequence change past them, so that the journal
     * alone says where we are; a ResendRequest for them finds nothing and is answered with a GapFill.
     */
    private void skipLostOutbound(final int nextExpected)
    {
        engine.onOutboundLostBeforeLogon(this, nextSenderSeqNum, nextExpected);
        journal.appendSequenceChange(sessionId, nextExpected, nextTargetSeqNum, engine.nowMs() * 1_000_000L);
        nextSenderSeqNum = nextExpected;
    }

    private void bind(final Connection connection)
    {
        this.connection = connection;
        connection.session = this;
        lastReceivedNs = engine.nowNs();
        lastSentNs = engine.nowNs();
        testRequestPending = false;
        loggedOn = false;
        awaitingResendUpTo = 0;
        outboundFullSinceNs = 0;
        outbound.clear();
        inboundQueue.clear();
        resender.cancel();
    }

    private void loadSequenceNumbers(final boolean reset)
    {
        if (reset)
        {
            nextSenderSeqNum = 1;
            nextTargetSeqNum = 1;
            journal.appendSequenceChange(sessionId, 1, 1, engine.nowMs() * 1_000_000L);
        }
        else
        {
            nextSenderSeqNum = journal.nextSenderSeqNum(sessionId);
            nextTargetSeqNum = journal.nextTargetSeqNum(sessionId);
        }
    }

    private void completeLogon(final FixDecoder logon, final int msgSeqNum)
    {
        state = SessionState.LOGGED_ON;
        loggedOn = true;
        if (msgSeqNum == nextTargetSeqNum)
        {
            journalInbound(logon);
        }
        else
        {
            queueAndRequestResend(logon, msgSeqNum);
        }
        engine.onLoggedOn(this);
        if (state == SessionState.LOGGED_ON)
        {
            engine.application().onLogon(this);
        }
    }

    /** Closes the connection and resets the connection-scoped state; sequence numbers stay in the journal. */
    void disconnect(final String reason)
    {
        final Connection connection = this.connection;
        if (connection == null)
        {
            return;
        }
        this.connection = null;
        connection.session = null;
        final boolean wasLoggedOn = loggedOn;
        loggedOn = false;
        state = SessionState.DISCONNECTED;
        claimOffset = -1;
        outbound.clear();
        inboundQueue.clear();
        resender.cancel();
        awaitingResendUpTo = 0;
        engine.closeConnection(connection, reason);
        engine.onSessionDisconnected(this, connection, wasLoggedOn);
        if (wasLoggedOn)
        {
            engine.application().onLogout(this);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Duty cycle
    // ---------------------------------------------------------------------------------------------------------------

    int poll(final long nowNs)
    {
        final Connection connection = this.connection;
        if (connection == null)
        {
            return 0;
        }
        int work = 0;
        switch (state)
        {
            case LOGON_SENT:
                if (nowNs - deadlineNs >= 0)
                {
                    disconnect("no Logon reply within " + engine.context().logonTimeoutMs() + " ms");
                    return 1;
                }
                break;

            case LOGGED_ON:
                work += pollHeartbeats(nowNs);
                break;

            case LOGOUT_SENT:
            case DISCONNECTING:
                if (nowNs - deadlineNs >= 0 ||
                    (state == SessionState.DISCONNECTING && outbound.isEmpty()))
                {
                    disconnect(state == SessionState.LOGOUT_SENT ? "no Logout reply" : "logged out");
                    return 1;
                }
                break;

            default:
                break;
        }
        if (this.connection == null)
        {
            return work + 1;
        }
        if (resender.isActive())
        {
            work += resender.pump();
        }
        return work + flush(nowNs);
    }

    /** Releases what the gate allows and writes what the socket takes. */
    int flush(final long nowNs)
    {
        final Connection connection = this.connection;
        if (connection == null)
        {
            return 0;
        }
        final int released = outbound.release(engine.releaseGate(), nowNs);
        if (released == OutboundQueue.GATE_DISCONNECT)
        {
            disconnect("release gate timed out");
            return 1;
        }
        int written = 0;
        if (outbound.hasReleasedUnwritten())
        {
            try
            {
                written = outbound.write(connection.channel);
            }
            catch (final java.io.IOException ex)
            {
                disconnect("write failed: " + ex.getMessage());
                return 1;
            }
        }
        if (outbound.freeBytes() < 2 * maxMessageLength && outbound.hasReleasedUnwritten())
        {
            if (outboundFullSinceNs == 0)
            {
                outboundFullSinceNs = nowNs;
            }
            else if (nowNs - outboundFullSinceNs > engine.context().slowConsumerTimeoutMs() * 1_000_000L)
            {
                disconnect("slow consumer: outbound buffer full for " +
                    engine.context().slowConsumerTimeoutMs() + " ms");
                return 1;
            }
        }
        else
        {
            outboundFullSinceNs = 0;
        }
        return released + (written > 0 ? 1 : 0);
    }

    private int pollHeartbeats(final long nowNs)
    {
        if (heartbeatIntervalNs <= 0)
        {
            return 0;
        }
        final long silenceNs = nowNs - lastReceivedNs;
        if (testRequestPending && silenceNs >= heartbeatIntervalNs * 24 / 10)
        {
            disconnect("TestRequest not answered");
            return 1;
        }
        int work = 0;
        if (!testRequestPending && silenceNs >= heartbeatIntervalNs * 12 / 10)
        {
            if (beginAdmin('1'))
            {
                encoder.putAscii(Tags.TEST_REQ_ID, TEST_REQ_ID);
                commitAdmin();
            }
            testRequestPending = true;
            work++;
        }
        // no Heartbeat while our TestRequest is outstanding: the next thing the counterparty sees is the disconnect
        else if (!testRequestPending && state == SessionState.LOGGED_ON && nowNs - lastSentNs >= heartbeatIntervalNs)
        {
            sendHeartbeat(null, 0, 0);
            work++;
        }
        return work;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Inbound
    // ---------------------------------------------------------------------------------------------------------------

    /** A valid frame arrived on this session's connection. */
    void onInbound(final FixDecoder decoder)
    {
        lastReceivedNs = engine.nowNs();
        testRequestPending = false;
        if (state == SessionState.DISCONNECTING || state == SessionState.DISCONNECTED)
        {
            return;
        }
        if (state == SessionState.LOGON_SENT)
        {
            onLogonReply(decoder);
            return;
        }
        if (!decoder.valueEquals(Tags.BEGIN_STRING, beginString))
        {
            logoutAndDisconnect("Incorrect BeginString");
            return;
        }
        final boolean isSequenceReset = decoder.isMsgType('4');
        final boolean gapFill = isSequenceReset && decoder.booleanValue(Tags.GAP_FILL_FLAG);
        if (!decoder.valueEquals(Tags.SENDER_COMP_ID, targetCompId) ||
            !decoder.valueEquals(Tags.TARGET_COMP_ID, senderCompId))
        {
            sendReject(decoder, 0, REASON_COMP_ID_PROBLEM, "CompID problem");
            initiateLogout(null);
            return;
        }
        if (!sendingTimeAccurate(decoder))
        {
            sendReject(decoder, 0, REASON_SENDING_TIME_ACCURACY, "SendingTime accuracy problem");
            initiateLogout(null);
            return;
        }
        final int msgSeqNum = decoder.msgSeqNum();
        if (state == SessionState.LOGGED_ON && decoder.isMsgType('A') &&
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
            logoutAndDisconnect("MsgSeqNum missing or not positive");
            return;
        }
        if (decoder.isMsgType('2'))
        {
            serveResendRequest(decoder);
            if (state != SessionState.LOGGED_ON && state != SessionState.LOGOUT_SENT)
            {
                return;
            }
            if (msgSeqNum > nextTargetSeqNum)
            {
                queueAndRequestResend(decoder, msgSeqNum);
            }
            else if (msgSeqNum == nextTargetSeqNum)
            {
                processInSequence(decoder, true);
                drainQueue();
            }
            return;
        }
        if (msgSeqNum > nextTargetSeqNum)
        {
            queueAndRequestResend(decoder, msgSeqNum);
            return;
        }
        if (msgSeqNum < nextTargetSeqNum)
        {
            onTooLow(decoder, msgSeqNum, isSequenceReset);
            return;
        }
        processInSequence(decoder, false);
        drainQueue();
    }

    private void onLogonReply(final FixDecoder decoder)
    {
        if (!decoder.isMsgType('A'))
        {
            disconnect(decoder.isMsgType('5') ? "Logon refused by a Logout" : "first message is not a Logon");
            return;
        }
        if (!decoder.valueEquals(Tags.BEGIN_STRING, beginString) ||
            !decoder.valueEquals(Tags.SENDER_COMP_ID, targetCompId) ||
            !decoder.valueEquals(Tags.TARGET_COMP_ID, senderCompId))
        {
            disconnect("Logon reply with wrong BeginString or CompIDs");
            return;
        }
        final int msgSeqNum = decoder.msgSeqNum();
        if (msgSeqNum <= 0)
        {
            disconnect("Logon reply without MsgSeqNum");
            return;
        }
        if (msgSeqNum < nextTargetSeqNum)
        {
            state = SessionState.LOGGED_ON;
            logoutAndDisconnect(tooLowText(msgSeqNum));
            return;
        }
        completeLogon(decoder, msgSeqNum);
    }

    /**
     * A Logon with ResetSeqNumFlag=Y while logged on: both sides start again from 1. The reset is journaled as a
     * sequence change, the Logon is journaled as inbound 1 and answered with our Logon 141=Y as outbound 1.
     */
    private void onResetLogon(final FixDecoder logon, final int msgSeqNum)
    {
        if (msgSeqNum != 1)
        {
            logoutAndDisconnect("Logon with ResetSeqNumFlag=Y must have MsgSeqNum 1");
            return;
        }
        inboundQueue.clear();
        resender.cancel();
        awaitingResendUpTo = 0;
        nextSenderSeqNum = 1;
        nextTargetSeqNum = 1;
        journal.appendSequenceChange(sessionId, 1, 1, engine.nowMs() * 1_000_000L);
        journalInbound(logon);
        sendLogon((int)(heartbeatIntervalNs / 1_000_000_000L), true, 0);
    }

    private void onLogout(final FixDecoder decoder, final int msgSeqNum)
    {
        if (msgSeqNum == nextTargetSeqNum)
        {
            journalInbound(decoder);
        }
        if (state == SessionState.LOGOUT_SENT)
        {
            disconnect("Logout confirmed");
            return;
        }
        sendLogout(null);
        beginDisconnecting();
    }

    private void onSequenceReset(final FixDecoder decoder)
    {
        final int newSeqNo = decoder.intValue(Tags.NEW_SEQ_NO, -1);
        if (newSeqNo <= 0)
        {
            sendReject(decoder, Tags.NEW_SEQ_NO, REASON_REQUIRED_TAG_MISSING, "Required tag missing");
        }
        else if (newSeqNo > nextTargetSeqNum)
        {
            advanceTargetTo(newSeqNo);
            drainQueue();
        }
        else if (newSeqNo < nextTargetSeqNum)
        {
            // RefTagID is left out on purpose: the QuickFIX acceptance scripts expect this Reject without it
            sendReject(decoder, 0, REASON_VALUE_INCORRECT, "Value is incorrect (out of range) for this tag");
        }
    }

    private void onTooLow(final FixDecoder decoder, final int msgSeqNum, final boolean isSequenceReset)
    {
        if (!decoder.possDup())
        {
            logoutAndDisconnect(tooLowText(msgSeqNum));
            return;
        }
        if (!isSequenceReset)
        {
            final long origSendingTimeMs = decoder.timestampMs(Tags.ORIG_SENDING_TIME, Long.MIN_VALUE);
            if (origSendingTimeMs == Long.MIN_VALUE)
            {
                sendReject(decoder, Tags.ORIG_SENDING_TIME, REASON_REQUIRED_TAG_MISSING, "Required tag missing");
                return;
            }
            if (origSendingTimeMs > decoder.timestampMs(Tags.SENDING_TIME, Long.MIN_VALUE))
            {
                sendReject(decoder, 0, REASON_SENDING_TIME_ACCURACY, "SendingTime accuracy problem");
                initiateLogout(null);
            }
        }
        // otherwise a duplicate we already have: ignored
    }

    /** The message carries the expected MsgSeqNum: journal it, act on it, deliver it. */
    private void processInSequence(final FixDecoder decoder, final boolean resendAlreadyServed)
    {
        final int msgSeqNum = decoder.msgSeqNum();
        journalInbound(decoder);
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
                        sendHeartbeat(decoder.buffer(), decoder.valueOffset(index), decoder.valueLength(index));
                    }
                    else
                    {
                        sendHeartbeat(null, 0, 0);
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
                    if (newSeqNo > nextTargetSeqNum)
                    {
                        advanceTargetTo(newSeqNo);
                    }
                    else if (newSeqNo <= msgSeqNum)
                    {
                        sendReject(decoder, Tags.NEW_SEQ_NO, REASON_VALUE_INCORRECT,
                            "Value is incorrect (out of range) for this tag");
                    }
                    break;
                }
                case 'A':
                    if (!resendAlreadyServed)
                    {
                        logoutAndDisconnect("Logon received while logged on");
                    }
                    break;
                default:
                    break;
            }
            return;
        }
        final FixDecoder previous = currentDecoder;
        currentDecoder = decoder;
        try
        {
            engine.application().onMessage(decoder.buffer(), decoder.offset(), decoder.length(), this);
        }
        catch (final RuntimeException ex)
        {
            engine.onError(ex);
        }
        finally
        {
            currentDecoder = previous;
        }
    }

    private void drainQueue()
    {
        while ((state == SessionState.LOGGED_ON || state == SessionState.LOGOUT_SENT) && !inboundQueue.isEmpty())
        {
            final int record = inboundQueue.find(nextTargetSeqNum);
            if (record < 0)
            {
                break;
            }
            final int length = inboundQueue.take(record, dequeueBuffer);
            if (queueDecoder.wrap(dequeueBuffer, 0, length) == FixDecoder.OK)
            {
                processInSequence(queueDecoder, true);
            }
        }
        inboundQueue.dropBelow(nextTargetSeqNum);
        if (awaitingResendUpTo != 0 && nextTargetSeqNum > awaitingResendUpTo)
        {
            awaitingResendUpTo = 0;
        }
        if (awaitingResendUpTo == 0 && state == SessionState.LOGGED_ON && !inboundQueue.isEmpty())
        {
            final int lowest = inboundQueue.lowestSeqNum();
            if (lowest > nextTargetSeqNum)
            {
                sendResendRequest(nextTargetSeqNum);
                awaitingResendUpTo = lowest - 1;
            }
        }
    }

    private void queueAndRequestResend(final FixDecoder decoder, final int msgSeqNum)
    {
        inboundQueue.offer(msgSeqNum, decoder.buffer(), decoder.offset(), decoder.length());
        if (awaitingResendUpTo == 0)
        {
            sendResendRequest(nextTargetSeqNum);
            awaitingResendUpTo = msgSeqNum - 1;
        }
    }

    private void serveResendRequest(final FixDecoder decoder)
    {
        final int beginSeqNo = decoder.intValue(Tags.BEGIN_SEQ_NO, -1);
        final int endSeqNo = decoder.intValue(Tags.END_SEQ_NO, -1);
        if (beginSeqNo <= 0 || endSeqNo < 0 || (endSeqNo != 0 && endSeqNo < beginSeqNo))
        {
            sendReject(decoder, beginSeqNo <= 0 ? Tags.BEGIN_SEQ_NO : Tags.END_SEQ_NO, REASON_VALUE_INCORRECT,
                "Value is incorrect (out of range) for this tag");
            return;
        }
        final int last = nextSenderSeqNum - 1;
        final int end = endSeqNo == 0 || endSeqNo > last ? last : endSeqNo;
        if (beginSeqNo <= end)
        {
            engine.onResendRequestServed();
            resender.start(beginSeqNo, end);
            resender.pump();
        }
    }

    private void journalInbound(final FixDecoder decoder)
    {
        final int msgSeqNum = decoder.msgSeqNum();
        journal.appendMessage(
            sessionId, Direction.INBOUND, msgSeqNum, engine.nowMs() * 1_000_000L,
            (decoder.isAdmin() ? JournalEntry.FLAG_ADMIN : 0) | (decoder.possDup() ? JournalEntry.FLAG_POSS_DUP : 0),
            decoder.buffer(), decoder.offset(), decoder.length());
        nextTargetSeqNum = msgSeqNum + 1;
    }

    private void advanceTargetTo(final int newSeqNo)
    {
        journal.appendSequenceChange(sessionId, nextSenderSeqNum, newSeqNo, engine.nowMs() * 1_000_000L);
        nextTargetSeqNum = newSeqNo;
        inboundQueue.dropBelow(newSeqNo);
    }

    private boolean sendingTimeAccurate(final FixDecoder decoder)
    {
        final long sendingTimeMs = decoder.timestampMs(Tags.SENDING_TIME, Long.MIN_VALUE);
        return sendingTimeMs != Long.MIN_VALUE &&
            Math.abs(sendingTimeMs - engine.nowMs()) <= engine.context().sendingTimeToleranceMs();
    }

    private String tooLowText(final int msgSeqNum)
    {
        text.setLength(0);
        text.append("MsgSeqNum too low, expecting ").append(nextTargetSeqNum)
            .append(" but received ").append(msgSeqNum);
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Outbound session-level messages
    // ---------------------------------------------------------------------------------------------------------------

    private void initiateLogout(final CharSequence reason)
    {
        sendLogout(reason);
        if (connection != null)
        {
            state = SessionState.LOGOUT_SENT;
            deadlineNs = engine.nowNs() + engine.context().logoutTimeoutMs() * 1_000_000L;
        }
    }

    /** Sends a Logout (reason null means the text in {@link #text}, if any) and closes once it is written. */
    private void logoutAndDisconnect(final CharSequence reason)
    {
        engine.logReason(this, reason != null ? reason : text);
        sendLogout(reason);
        beginDisconnecting();
    }

    private void beginDisconnecting()
    {
        if (connection != null)
        {
            state = SessionState.DISCONNECTING;
            deadlineNs = engine.nowNs() + engine.context().logoutTimeoutMs() * 1_000_000L;
        }
    }

    private void sendLogout(final CharSequence reason)
    {
        if (beginAdmin('5'))
        {
            if (reason != null)
            {
                encoder.putAscii(Tags.TEXT, reason);
            }
            else if (text.length() > 0)
            {
                encoder.putAscii(Tags.TEXT, text);
            }
            text.setLength(0);
            commitAdmin();
        }
    }

    private boolean sendLogon(final int heartbeatIntervalSec, final boolean resetSeqNumFlag, final int nextExpected)
    {
        if (!beginAdmin('A'))
        {
            return false;
        }
        encoder.putInt(Tags.ENCRYPT_METHOD, 0).putInt(Tags.HEART_BT_INT, heartbeatIntervalSec);
        if (resetSeqNumFlag)
        {
            encoder.putChar(Tags.RESET_SEQ_NUM_FLAG, 'Y');
        }
        if (nextExpected > 0)
        {
            encoder.putInt(Tags.NEXT_EXPECTED_MSG_SEQ_NUM, nextExpected);
        }
        if (SessionConfig.FIXT11.equals(beginString))
        {
            encoder.putAscii(Tags.DEFAULT_APPL_VER_ID, config.defaultApplVerId());
        }
        return commitAdmin() > 0;
    }

    private void sendHeartbeat(final DirectBuffer testReqId, final int offset, final int length)
    {
        if (beginAdmin('0'))
        {
            if (testReqId != null)
            {
                encoder.putBytes(Tags.TEST_REQ_ID, testReqId, offset, length);
            }
            commitAdmin();
        }
    }

    private void sendResendRequest(final int beginSeqNo)
    {
        if (beginAdmin('2'))
        {
            encoder.putInt(Tags.BEGIN_SEQ_NO, beginSeqNo).putInt(Tags.END_SEQ_NO, 0);
            commitAdmin();
        }
    }

    private void sendReject(
        final FixDecoder rejected, final int refTagId, final int reason, final CharSequence reasonText)
    {
        final int refSeqNum = rejected.msgSeqNum();
        if (beginAdmin('3'))
        {
            encoder.putInt(Tags.REF_SEQ_NUM, Math.max(refSeqNum, 0)).putAscii(Tags.TEXT, reasonText);
            if (refTagId > 0)
            {
                encoder.putInt(Tags.REF_TAG_ID, refTagId);
            }
            encoder.putBytes(
                Tags.REF_MSG_TYPE, rejected.buffer(), rejected.msgTypeOffset(), rejected.msgTypeLength());
            encoder.putInt(Tags.SESSION_REJECT_REASON, reason);
            commitAdmin();
        }
    }

    private boolean beginAdmin(final char msgType)
    {
        if (connection == null)
        {
            return false;
        }
        if (!beginClaim(JournalEntry.FLAG_ADMIN))
        {
            disconnect("slow consumer: no room for a session-level message");
            return false;
        }
        encoder.putChar(Tags.MSG_TYPE, msgType);
        putStandardHeader();
        return true;
    }

    private long commitAdmin()
    {
        final long position = commit();
        if (position < 0)
        {
            disconnect("could not journal a session-level message (status " + position + ")");
        }
        return position;
    }

    private boolean beginClaim(final int flags)
    {
        if (claimOffset >= 0)
        {
            throw new IllegalStateException("a claim is already open: commit or abort it first");
        }
        final int offset = outbound.claim(maxMessageLength);
        if (offset < 0)
        {
            lastStatus = BACK_PRESSURED;
            if (outboundFullSinceNs == 0)
            {
                outboundFullSinceNs = engine.nowNs();
            }
            return false;
        }
        claimOffset = offset;
        claimFlags = flags;
        encoder.wrap(outbound.buffer(), offset, maxMessageLength);
        return true;
    }

    private FixEncoder putStandardHeader()
    {
        return encoder
            .putInt(Tags.MSG_SEQ_NUM, nextSenderSeqNum)
            .putAscii(Tags.SENDER_COMP_ID, senderCompId)
            .putTimestampMs(Tags.SENDING_TIME, engine.nowMs())
            .putAscii(Tags.TARGET_COMP_ID, targetCompId);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Resend support (used by Resender): messages that are not journaled again and pass the gate at once
    // ---------------------------------------------------------------------------------------------------------------

    int outboundFreeBytes()
    {
        return outbound.freeBytes();
    }

    int maxMessageLength()
    {
        return maxMessageLength;
    }

    /** Queues a SequenceReset-GapFill from {@code msgSeqNum} to {@code newSeqNo}. */
    boolean queueGapFill(final int msgSeqNum, final int newSeqNo)
    {
        final int offset = outbound.claim(maxMessageLength);
        if (offset < 0)
        {
            return false;
        }
        encoder.wrap(outbound.buffer(), offset, maxMessageLength)
            .putChar(Tags.MSG_TYPE, '4')
            .putInt(Tags.MSG_SEQ_NUM, msgSeqNum)
            .putChar(Tags.POSS_DUP_FLAG, 'Y')
            .putAscii(Tags.SENDER_COMP_ID, senderCompId)
            .putTimestampMs(Tags.SENDING_TIME, engine.nowMs())
            .putAscii(Tags.TARGET_COMP_ID, targetCompId)
            .putTimestampMs(Tags.ORIG_SENDING_TIME, engine.nowMs())
            .putInt(Tags.NEW_SEQ_NO, newSeqNo)
            .putChar(Tags.GAP_FILL_FLAG, 'Y');
        return queueUnjournaled(offset);
    }

    /** Queues a journaled application message again with PossDupFlag=Y, OrigSendingTime and a new SendingTime. */
    boolean queueResend(final FixDecoder original, final int msgSeqNum)
    {
        final int offset = outbound.claim(maxMessageLength);
        if (offset < 0)
        {
            return false;
        }
        encoder.wrap(outbound.buffer(), offset, maxMessageLength)
            .putBytes(Tags.MSG_TYPE, original.buffer(), original.msgTypeOffset(), original.msgTypeLength())
            .putInt(Tags.MSG_SEQ_NUM, msgSeqNum)
            .putChar(Tags.POSS_DUP_FLAG, 'Y')
            .putAscii(Tags.SENDER_COMP_ID, senderCompId)
            .putTimestampMs(Tags.SENDING_TIME, engine.nowMs())
            .putAscii(Tags.TARGET_COMP_ID, targetCompId);
        final int sendingTimeIndex = original.fieldIndex(Tags.SENDING_TIME);
        if (sendingTimeIndex >= 0)
        {
            encoder.putBytes(Tags.ORIG_SENDING_TIME, original.buffer(),
                original.valueOffset(sendingTimeIndex), original.valueLength(sendingTimeIndex));
        }
        else
        {
            encoder.putTimestampMs(Tags.ORIG_SENDING_TIME, engine.nowMs());
        }
        final int bodyStart = original.bodyStartIndex();
        for (int i = 3; i < bodyStart; i++)
        {
            final int tag = original.tag(i);
            if (tag != Tags.MSG_SEQ_NUM && tag != Tags.POSS_DUP_FLAG && tag != Tags.SENDER_COMP_ID &&
                tag != Tags.SENDING_TIME && tag != Tags.TARGET_COMP_ID && tag != Tags.ORIG_SENDING_TIME &&
                tag != Tags.POSS_RESEND)
            {
                encoder.putBytes(tag, original.buffer(), original.valueOffset(i), original.valueLength(i));
            }
        }
        encoder.putRawFields(original.buffer(), original.bodyOffset(), original.bodyLength());
        return queueUnjournaled(offset);
    }

    private boolean queueUnjournaled(final int offset)
    {
        final int length = encoder.finish(beginString);
        if (length < 0)
        {
            return false;
        }
        final MutableDirectBuffer buffer = outbound.buffer();
        final int messageOffset = encoder.messageOffset();
        if (messageOffset != offset)
        {
            buffer.putBytes(offset, buffer, messageOffset, length);
        }
        outbound.commit(length, 0, engine.nowNs());
        lastSentNs = engine.nowNs();
        return true;
    }

    static boolean isAdminType(final CharSequence msgType)
    {
        return msgType.length() == 1 && isAdminType(msgType.charAt(0));
    }

    static boolean isAdminType(final char type)
    {
        return (type >= '0' && type <= '5') || type == 'A';
    }
}
