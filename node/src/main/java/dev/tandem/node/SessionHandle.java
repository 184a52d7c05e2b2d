package dev.tandem.node;

import dev.tandem.fix.codec.FixEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A FIX session as any thread of the application may send on it: obtained once from
 * {@link Tandem#session(String, String)} and kept for the node's life (across logons, logouts and an activation).
 * <p>
 * {@link #send} copies the message into the node's send ring (an Agrona {@link ManyToOneRingBuffer}); the FIX
 * engine's duty cycle drains it on its next pass and sends each message through the session exactly as a send from a
 * {@code FixApplication} callback: stamped with the next MsgSeqNum, journaled, then released by the ack strategy.
 * The caller never blocks and nothing is allocated.
 * <p>
 * What the statuses mean: {@link #SENT} the message is in the ring and will be sent in order with this handle's
 * other messages, unless the session logs out before the duty cycle reaches it (then it is dropped and counted in
 * {@link #dropped()}, as is one the journal refuses or one too long for the session); {@link #NOT_LOGGED_ON} the
 * session is not logged on (or the node is not Hot): nothing was queued; {@link #BACK_PRESSURED} the ring is full
 * (the duty cycle is behind, or the session's own outbound buffer is full and the ring waits for it): try again
 * later; {@link #TOO_LARGE} the message can never fit: nothing was queued.
 * <p>
 * Threading: thread safe; {@link #send} may be called from any number of threads at once. Messages sent from one
 * thread go out in that thread's order. From the FIX engine's own thread ({@code FixApplication} callbacks), use
 * {@code FixSession.tryClaim}/{@code commit} instead: synchronous, and it reports the journal position.
 */
public final class SessionHandle
{
    /** Queued: the FIX engine's duty cycle sends it on its next pass (see the class comment). */
    public static final int SENT = 0;
    /** The session is not logged on, or the node is not Hot: nothing was queued. */
    public static final int NOT_LOGGED_ON = -2;
    /** The send ring is full: nothing was queued; try again later. */
    public static final int BACK_PRESSURED = -3;
    /** The message is longer than the send ring's largest message: nothing was queued. */
    public static final int TOO_LARGE = -4;

    private final int slot;
    private final String senderCompId;
    private final String targetCompId;
    private final RingBuffer ring;
    private final SessionHandles handles;
    volatile boolean loggedOn;
    final AtomicLong dropped = new AtomicLong();

    SessionHandle(final int slot, final String senderCompId, final String targetCompId, final RingBuffer ring,
        final SessionHandles handles)
    {
        this.handles = handles;
        this.slot = slot;
        this.senderCompId = senderCompId;
        this.targetCompId = targetCompId;
        this.ring = ring;
    }

    /**
     * Queues a message of type {@code msgType} (e.g. {@code "8"}) whose body fields are given encoded
     * ({@code tag=value<SOH>...}, without the standard header, which the session writes, or the trailer).
     *
     * @return {@link #SENT}, {@link #NOT_LOGGED_ON}, {@link #BACK_PRESSURED} or {@link #TOO_LARGE}.
     */
    public int send(final CharSequence msgType, final DirectBuffer body, final int bodyOffset, final int bodyLength)
    {
        if (!loggedOn)
        {
            return NOT_LOGGED_ON;
        }
        final int msgTypeLength = msgType.length();
        if (msgTypeLength == 0 || msgTypeLength > 127)
        {
            throw new IllegalArgumentException("msgType: '" + msgType + "', expected 1 to 127 characters");
        }
        final int length = 1 + msgTypeLength + bodyLength;
        if (length > ring.maxMsgLength())
        {
            return TOO_LARGE;
        }
        final int index = ring.tryClaim(slot + 1, length);
        if (index <= 0)
        {
            return BACK_PRESSURED;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putByte(index, (byte)msgTypeLength);
        for (int i = 0; i < msgTypeLength; i++)
        {
            buffer.putByte(index + 1 + i, (byte)msgType.charAt(i));
        }
        buffer.putBytes(index + 1 + msgTypeLength, body, bodyOffset, bodyLength);
        ring.commit(index);
        handles.wakeEngine();
        return SENT;
    }

    /**
     * Queues a message whose body fields were put with a {@link FixEncoder} of the caller's own (one per thread),
     * wrapped over the caller's buffer and not finished: {@code encoder.wrap(buffer, 0, buffer.capacity())
     * .putAscii(11, clOrdId)...}, then {@code send("8", encoder)}.
     *
     * @return as {@link #send(CharSequence, DirectBuffer, int, int)}; {@link #TOO_LARGE} when a put overflowed.
     */
    public int send(final CharSequence msgType, final FixEncoder fields)
    {
        if (fields.overflow())
        {
            return TOO_LARGE;
        }
        final int bodyOffset = fields.messageOffset() + FixEncoder.HEADER_RESERVE;
        return send(msgType, fields.buffer(), bodyOffset, fields.position() - bodyOffset);
    }

    /** Whether the session is logged on now (it may change before the next send). Any thread. */
    public boolean isLoggedOn()
    {
        return loggedOn;
    }

    /**
     * Messages this handle queued ({@link #SENT}) that the duty cycle could not send: the session had logged out, the
     * journal refused the append, or the message was too long for the session. Any thread.
     */
    public long dropped()
    {
        return dropped.get();
    }

    /** Our CompID. */
    public String senderCompId()
    {
        return senderCompId;
    }

    /** The counterparty's CompID. */
    public String targetCompId()
    {
        return targetCompId;
    }

    @Override
    public String toString()
    {
        return "SessionHandle{" + senderCompId + "->" + targetCompId + ", loggedOn=" + loggedOn + "}";
    }
}
