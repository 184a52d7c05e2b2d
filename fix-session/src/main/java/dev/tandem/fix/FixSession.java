package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.fix.codec.Tags;
import dev.tandem.fix.dictionary.MessageValidator;
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
 * <p>
 * The session owns its state (life-cycle state, connection, sequence numbers, timers) and the send path; the state
 * changes only through named transitions here ({@code logonReceived}, {@code logonSent}, {@code logonCompleted},
 * {@code seqNumsReset}, {@code senderSkipped}, {@code targetAdvanced}, {@code gapFilled}, {@code sequenceReset},
 * logout sent ({@code initiateLogout}), disconnecting ({@code beginDisconnecting}) and disconnected
 * ({@code disconnect})), each checking its invariants. Its package-private helpers decide, on the same thread, and call
 * them: {@link SessionLogon} (Logon in both roles), {@link SessionInbound} (sequence checks and inbound
 * session-level messages), {@link AdminMessages} (encoding session-level messages) and {@link Resender} (resends
 * from the journal).
 */
public final class FixSession
{
    /** The session is not logged on: nothing was sent or journaled. */
    public static final long NOT_LOGGED_ON = -2;
    /** The session's outbound buffer is full (a slow counterparty or a closed gate): try again later. */
    public static final long BACK_PRESSURED = -3;
    /**
     * The message does not fit in {@link FixContext#maxMessageLengthBytes()} less the room a resend needs
     * ({@value #RESEND_RESERVE_BYTES} bytes), or has more fields than a resend could index: nothing was sent.
     */
    public static final long MESSAGE_TOO_LONG = -4;
    /** The journal refused the append (see the error handler): nothing was sent. */
    public static final long JOURNAL_REFUSED = -5;
    /**
     * How long after a message is queued the engine's thread stays awake (yielding, on a blocking idle strategy) for
     * the acknowledgement its release gate waits for: a replication round trip, with the secondary's wake-up, takes
     * well under this; past it the thread blocks as usual and the acknowledgement wakes it.
     */
    static final long GATE_AWAKE_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);

    static final int REASON_REQUIRED_TAG_MISSING = 1;
    static final int REASON_VALUE_INCORRECT = 5;
    static final int REASON_COMP_ID_PROBLEM = 9;
    static final int REASON_SENDING_TIME_ACCURACY = 10;
    /** SessionRejectReason "Other": not in FIX 4.2, whose Rejects then go without a reason code. */
    static final int REASON_OTHER = 99;

    /**
     * The Text (58) of the Logout a Tandem acceptor sends its sessions when it hands the Hot role to its peer in a
     * planned switchover: an initiator that reads it ({@link #logoutAnnouncedSwitchover()}) knows the next acceptor
     * is about to serve and may go there at once instead of backing off.
     */
    public static final String SWITCHOVER_LOGOUT_TEXT = "planned switchover: log on to the next acceptor";

    static final String TEST_REQ_ID = "TEST";
    /**
     * Room kept free in every outbound message for what a resend adds: PossDupFlag (5 bytes), OrigSendingTime (up
     * to 32 with nanoseconds), a SendingTime up to 4 bytes longer than the original's, a longer BodyLength. So the
     * journal never holds a message that cannot be resent (it would be gap-filled, silently lost to the
     * counterparty).
     */
    static final int RESEND_RESERVE_BYTES = 64;

    final FixEngine engine;
    final SessionConfig config;
    final long sessionId;
    final String beginString;
    final String senderCompId;
    final String targetCompId;
    final Journal journal;
    final int maxMessageLength;
    final int maxIndexedFields;
    /** Messages at most this long cannot have more fields than a decoder indexes: no count needed. */
    final int maxIndexedFieldsBytes;
    final OutboundQueue outbound;
    final InboundQueue inboundQueue;
    final FixEncoder encoder = new FixEncoder();
    final UnsafeBuffer dequeueBuffer;
    final Resender resender;
    final StringBuilder text = new StringBuilder(128);

    // The session's state: written only in this class, by the transitions under "State transitions" (and by
    // commit, which advances the sender MsgSeqNum). Invariant: connection != null exactly when state is not
    // DISCONNECTED; loggedOn only once the Logon exchange completed on that connection.
    private SessionState state = SessionState.DISCONNECTED;
    private Connection connection;
    private boolean loggedOn;
    private int nextSenderSeqNum = 1;
    private int nextTargetSeqNum = 1;
    private long heartbeatIntervalNs;
    private long deadlineNs;
    private long lastSentNs;
    private long lastReceivedNs;
    private boolean testRequestPending;
    private long outboundFullSinceNs;
    private int claimOffset = -1;
    private int claimFlags;
    private long lastStatus;
    private FixDecoder currentDecoder;
    private volatile long outboundSkipped;
    /** Whether the last Logout received on the current (or last) connection announced a planned switchover. */
    private boolean logoutAnnouncedSwitchover;

    final SessionInbound inbound;
    final AdminMessages admin;
    final SessionLogon logon;
    /** Checks inbound messages against the session's data dictionary; null when it has none. */
    final MessageValidator validator;

    /**
     * @param memory memory allocated ahead for this engine's sessions ({@link SessionMemory}), or null to allocate.
     * @param index  this session's place in the configuration, and so in {@code memory}.
     */
    FixSession(final FixEngine engine, final SessionConfig config, final FixContext context,
        final SessionMemory memory, final int index)
    {
        this.engine = engine;
        this.config = config;
        this.sessionId = config.sessionId();
        this.beginString = config.beginString();
        this.senderCompId = config.senderCompId();
        this.targetCompId = config.targetCompId();
        this.journal = context.journal();
        this.maxMessageLength = context.maxMessageLengthBytes();
        this.maxIndexedFields = FixEngine.indexedFields(maxMessageLength);
        this.maxIndexedFieldsBytes = 4 * maxIndexedFields;
        this.outbound = memory != null ? memory.outbound(index) : newOutboundQueue(context.outboundBufferBytes());
        this.inboundQueue = memory != null ? memory.inbound(index) : new InboundQueue(context.inboundQueueBytes());
        this.dequeueBuffer = new UnsafeBuffer(memory != null ? memory.dequeue(index) : new byte[maxMessageLength]);
        this.resender = new Resender(this, journal, sessionId);
        this.inbound = new SessionInbound(this);
        this.admin = new AdminMessages(this);
        this.logon = new SessionLogon(this, context);
        this.validator = config.dataDictionary() == null || !config.validation().enabled() ? null :
            new MessageValidator(config.dataDictionary(), config.validation());
    }

    /** A session's outbound queue of {@code outboundBufferBytes}, as its constructor or {@link SessionMemory} makes it. */
    static OutboundQueue newOutboundQueue(final int outboundBufferBytes)
    {
        // one record per waiting message; ~64 bytes is about the smallest FIX message
        return new OutboundQueue(outboundBufferBytes, Math.min(outboundBufferBytes / 64, 65_536));
    }

    /**
     * Outbound MsgSeqNums this session skipped at Logon because the journal lacked messages the counterparty may
     * have received from a previous primary: exactly (NextExpectedMsgSeqNum, 789) or by the sequence headroom of a
     * newly activated node. Any thread.
     */
    public long outboundSkipped()
    {
        return outboundSkipped;
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
        if (nextSenderSeqNum > FixContext.MAX_MSG_SEQ_NUM)
        {
            // the header already carries it; one more would overflow the int: only a reset may go on from here
            throw invalidTransition("senderAdvanced", nextSenderSeqNum);
        }
        final int length = encoder.finish(beginString);
        if (length < 0 || length > maxMessageLength - RESEND_RESERVE_BYTES)
        {
            return MESSAGE_TOO_LONG;
        }
        final MutableDirectBuffer buffer = outbound.buffer();
        final int messageOffset = encoder.messageOffset();
        if (length > maxIndexedFieldsBytes && fieldCount(encoder.buffer(), messageOffset, length) > maxIndexedFields)
        {
            // a resend decodes the journaled message: one it could not index would be gap-filled
            return MESSAGE_TOO_LONG;
        }
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
        nextSenderSeqNum++; // senderAdvanced: the journal holds the message under its MsgSeqNum
        outbound.commit(length, position, engine.nowNs());
        lastSentNs = engine.nowNs();
        return position;
    }

    private static int fieldCount(final DirectBuffer buffer, final int offset, final int length)
    {
        int fields = 0;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            if (buffer.getByte(i) == 1)
            {
                fields++;
            }
        }
        return fields;
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
        logout(null);
    }

    /**
     * As {@link #logout()}, the Logout carrying {@code text} in Text (58) when it is not null, e.g.
     * {@link #SWITCHOVER_LOGOUT_TEXT}.
     */
    public void logout(final CharSequence text)
    {
        if (state == SessionState.LOGGED_ON)
        {
            initiateLogout(text);
        }
    }

    /**
     * True when the counterparty's last Logout on this session's current or last connection carried
     * {@link #SWITCHOVER_LOGOUT_TEXT}: it handed the Hot role to another acceptor. Cleared when a connection is bound.
     */
    public boolean logoutAnnouncedSwitchover()
    {
        return logoutAnnouncedSwitchover;
    }

    /** A Logout arrived: notes whether it announced a planned switchover. Allocation-free. */
    void logoutReceived(final FixDecoder decoder)
    {
        logoutAnnouncedSwitchover = decoder.valueEquals(Tags.TEXT, SWITCHOVER_LOGOUT_TEXT);
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

    /**
     * Transition "disconnected", from any state with a connection: closes the connection and resets the
     * connection-scoped state; sequence numbers stay in the journal. Without a connection it does nothing.
     */
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
        inbound.clearResendWait();
        engine.closeConnection(connection, reason);
        engine.onSessionDisconnected(this, connection, wasLoggedOn);
        if (wasLoggedOn)
        {
            engine.application().onLogout(this);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // State transitions: the only writers of state, connection and the sequence numbers (with commit, which
    // advances the sender MsgSeqNum, and disconnect, initiateLogout, beginDisconnecting above). Each checks its
    // invariants and throws IllegalStateException naming the session and the values on a broken one: a bug here,
    // never the counterparty's input, which the helpers check first and answer as FIX prescribes. Sequence numbers
    // go backwards only by a reset; whatever moves them is journaled, so the journal alone says where we are.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Transition "logonReceived" (acceptor), DISCONNECTED to LOGGED_ON: a Logon for this session arrived on
     * {@code connection}. Binds it, then loads the sequence numbers from the journal, or resets both to 1 (journaled)
     * when {@code reset}. The Logon exchange is not complete yet ({@link #logonCompleted(long)}); when it fails,
     * the session logs out from here.
     */
    void logonReceived(final Connection connection, final boolean reset)
    {
        if (state != SessionState.DISCONNECTED || this.connection != null || connection.session != null)
        {
            throw invalidTransition("logonReceived", 0);
        }
        bind(connection);
        loadSequenceNumbers(reset);
        state = SessionState.LOGGED_ON;
    }

    /**
     * Transition "logonSent" (initiator), DISCONNECTED to LOGON_SENT: {@code connection} is up and our Logon goes
     * out next. Binds it, loads the sequence numbers from the journal (or resets them, journaled, when the session
     * resets on Logon) and starts the logon timeout.
     */
    void logonSent(final Connection connection)
    {
        if (state != SessionState.DISCONNECTED || this.connection != null || connection.session != null)
        {
            throw invalidTransition("logonSent", 0);
        }
        bind(connection);
        loadSequenceNumbers(config.resetOnLogon());
        state = SessionState.LOGON_SENT;
        heartbeatIntervalNs = config.heartbeatIntervalSec() * 1_000_000_000L;
        deadlineNs = engine.nowNs() + engine.context().logonTimeoutMs() * 1_000_000L;
    }

    /**
     * Transition "logonCompleted", LOGGED_ON (acceptor, after {@link #logonReceived}) or LOGON_SENT (initiator) to
     * LOGGED_ON: the Logon exchange is done and heartbeats run every {@code heartbeatIntervalNs}.
     */
    void logonCompleted(final long heartbeatIntervalNs)
    {
        if (connection == null || loggedOn ||
            (state != SessionState.LOGGED_ON && state != SessionState.LOGON_SENT) || heartbeatIntervalNs < 0)
        {
            throw invalidTransition("logonCompleted", heartbeatIntervalNs);
        }
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        state = SessionState.LOGGED_ON;
        loggedOn = true;
    }

    /**
     * Transition "seqNumsReset": a Logon with ResetSeqNumFlag=Y while logged on; both sequence numbers start again
     * from 1, journaled as a sequence change.
     */
    void seqNumsReset()
    {
        if (connection == null || !loggedOn || state != SessionState.LOGGED_ON)
        {
            throw invalidTransition("seqNumsReset", 1);
        }
        nextSenderSeqNum = 1;
        nextTargetSeqNum = 1;
        journal.appendSequenceChange(sessionId, 1, 1, engine.nowMs() * 1_000_000L);
    }

    /**
     * Transition "senderSkipped", during a Logon: our next MsgSeqNum moves forward to {@code nextSenderSeqNum} past
     * messages the journal lacks (NextExpectedMsgSeqNum, 789, or the sequence headroom of a newly activated node),
     * journaled as a sequence change and counted in {@link #outboundSkipped()}.
     */
    void senderSkipped(final int nextSenderSeqNum)
    {
        if (connection == null || loggedOn || nextSenderSeqNum <= this.nextSenderSeqNum ||
            nextSenderSeqNum > FixContext.MAX_MSG_SEQ_NUM)
        {
            throw invalidTransition("senderSkipped", nextSenderSeqNum);
        }
        journal.appendSequenceChange(sessionId, nextSenderSeqNum, nextTargetSeqNum, engine.nowMs() * 1_000_000L);
        outboundSkipped += nextSenderSeqNum - this.nextSenderSeqNum;
        this.nextSenderSeqNum = nextSenderSeqNum;
    }

    /**
     * Transition "targetAdvanced": the inbound message {@code decoder} carries exactly the MsgSeqNum we expect; it is
     * journaled and the next one is expected.
     */
    void targetAdvanced(final FixDecoder decoder)
    {
        final int msgSeqNum = decoder.msgSeqNum();
        if (msgSeqNum != nextTargetSeqNum || msgSeqNum > FixContext.MAX_MSG_SEQ_NUM || connection == null)
        {
            throw invalidTransition("targetAdvanced", msgSeqNum);
        }
        journal.appendMessage(
            sessionId, Direction.INBOUND, msgSeqNum, engine.nowMs() * 1_000_000L,
            (decoder.isAdmin() ? JournalEntry.FLAG_ADMIN : 0) | (decoder.possDup() ? JournalEntry.FLAG_POSS_DUP : 0),
            decoder.buffer(), decoder.offset(), decoder.length());
        nextTargetSeqNum = msgSeqNum + 1;
    }

    /**
     * Transition "gapFilled": a SequenceReset-GapFill (or a message too long to hold, whose number is used up) moves
     * the MsgSeqNum we expect forward to {@code newSeqNo}; journaled, and queued messages below it are dropped.
     */
    void gapFilled(final int newSeqNo)
    {
        moveTargetTo("gapFilled", newSeqNo);
    }

    /**
     * Transition "sequenceReset": a SequenceReset-Reset moves the MsgSeqNum we expect forward to {@code newSeqNo}
     * (a lower one is Rejected before it gets here); journaled, and queued messages below it are dropped.
     */
    void sequenceReset(final int newSeqNo)
    {
        moveTargetTo("sequenceReset", newSeqNo);
    }

    private void moveTargetTo(final String transition, final int newSeqNo)
    {
        if (newSeqNo <= nextTargetSeqNum || newSeqNo > FixContext.MAX_MSG_SEQ_NUM || connection == null)
        {
            throw invalidTransition(transition, newSeqNo);
        }
        journal.appendSequenceChange(sessionId, nextSenderSeqNum, newSeqNo, engine.nowMs() * 1_000_000L);
        nextTargetSeqNum = newSeqNo;
        inboundQueue.dropBelow(newSeqNo);
    }

    /** A frame arrived from the counterparty: it is alive, any TestRequest of ours is answered. */
    void inboundArrived()
    {
        lastReceivedNs = engine.nowNs();
        testRequestPending = false;
    }

    /** Hands an application message to the application, with {@link #decoder()} wrapped over it meanwhile. */
    void deliver(final FixDecoder decoder)
    {
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

    private void bind(final Connection connection)
    {
        this.connection = connection;
        connection.session = this;
        lastReceivedNs = engine.nowNs();
        lastSentNs = engine.nowNs();
        testRequestPending = false;
        loggedOn = false;
        logoutAnnouncedSwitchover = false;
        inbound.clearResendWait();
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

    /** A transition its invariants forbid: a bug, reported with the session and the values. Allocates; cold. */
    private IllegalStateException invalidTransition(final String transition, final long value)
    {
        return new IllegalStateException(this + ": transition " + transition + "(" + value + ") not allowed: state=" +
            state + ", connection=" + (connection == null ? "none" : connection.remote) + ", loggedOn=" + loggedOn +
            ", nextSenderSeqNum=" + nextSenderSeqNum + ", nextTargetSeqNum=" + nextTargetSeqNum);
    }

    /** The heartbeat interval agreed at Logon, in nanoseconds. */
    long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
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
        if (outbound.waitsForGate())
        {
            // the acknowledgement that releases it is a round trip away: have the thread yield for it, not block
            engine.context().idleWaker().expectWorkBy(outbound.oldestWaitingNs() + GATE_AWAKE_NS);
        }
        int written = 0;
        // asked again at the write: released bytes that waited (full socket, a pause) must still be allowed out
        if (outbound.hasReleasedUnwritten() && engine.releaseGate().mayWriteReleased())
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
                engine.onSlowConsumer(this, "outbound buffer full");
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
            if (admin.beginAdmin('1'))
            {
                encoder.putAscii(Tags.TEST_REQ_ID, TEST_REQ_ID);
                admin.commitAdmin();
            }
            testRequestPending = true;
            work++;
        }
        // no Heartbeat while our TestRequest is outstanding: the next thing the counterparty sees is the disconnect
        else if (!testRequestPending && state == SessionState.LOGGED_ON && nowNs - lastSentNs >= heartbeatIntervalNs)
        {
            admin.sendHeartbeat(null, 0, 0);
            work++;
        }
        return work;
    }

    /** A valid frame arrived on this session's connection. */
    void onInbound(final FixDecoder decoder)
    {
        inbound.onInbound(decoder);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Outbound session-level messages
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Sends a Logout and awaits the counterparty's (transition "logoutSent", from LOGGED_ON or LOGOUT_SENT); when
     * sending it closed the connection, the session stays disconnected.
     */
    void initiateLogout(final CharSequence reason)
    {
        // checked before the Logout goes out: a forbidden transition sends nothing
        if (connection != null && state != SessionState.LOGGED_ON && state != SessionState.LOGOUT_SENT)
        {
            throw invalidTransition("logoutSent", 0);
        }
        admin.sendLogout(reason);
        if (connection != null)
        {
            state = SessionState.LOGOUT_SENT;
            deadlineNs = engine.nowNs() + engine.context().logoutTimeoutMs() * 1_000_000L;
        }
    }

    /** Sends a Logout (reason null means the text in {@link #text}, if any) and closes once it is written. */
    void logoutAndDisconnect(final CharSequence reason)
    {
        if (connection != null && state == SessionState.DISCONNECTING)
        {
            throw invalidTransition("disconnecting", 0);
        }
        engine.logReason(this, reason != null ? reason : text);
        admin.sendLogout(reason);
        beginDisconnecting();
    }

    /**
     * Transition "disconnecting", from LOGON_SENT, LOGGED_ON or LOGOUT_SENT: the connection closes once the queued
     * messages are written (or the logout timeout passes). Without a connection it does nothing.
     */
    void beginDisconnecting()
    {
        if (connection != null)
        {
            if (state == SessionState.DISCONNECTING)
            {
                throw invalidTransition("disconnecting", 0);
            }
            state = SessionState.DISCONNECTING;
            deadlineNs = engine.nowNs() + engine.context().logoutTimeoutMs() * 1_000_000L;
        }
    }

    boolean beginClaim(final int flags)
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

    FixEncoder putStandardHeader()
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

    /**
     * Queues the {@code length}-byte message just encoded at the claimed offset, journal position 0: not journaled
     * again, it passes the release gate at once.
     */
    void commitUnjournaled(final int length)
    {
        outbound.commit(length, 0, engine.nowNs());
        lastSentNs = engine.nowNs();
    }

    int outboundFreeBytes()
    {
        return outbound.freeBytes();
    }

    int maxMessageLength()
    {
        return maxMessageLength;
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
