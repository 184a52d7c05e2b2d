package dev.tandem.node;

import dev.tandem.fix.FixSession;
import dev.tandem.fix.SessionConfig;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The node's send ring and one {@link SessionHandle} per configured session; it outlives the FIX acceptor (which
 * starts anew at every activation).
 * <p>
 * Threading: {@link SessionHandle#send} from any thread; {@link #onLogon}, {@link #onLogout} and {@link #drain} on
 * the FIX engine's duty-cycle thread; {@link #handle} from any thread.
 */
final class SessionHandles implements ControlledMessageHandler
{
    /** The send ring's capacity: room for thousands of typical messages queued between two duty-cycle passes. */
    static final int RING_CAPACITY_BYTES = 1 << 20;
    /** Messages drained per duty-cycle pass, so a busy sender cannot starve the sockets. */
    static final int DRAIN_LIMIT = 256;

    private final ManyToOneRingBuffer ring;
    private final SessionHandle[] handles;
    private final FixSession[] sessions;
    /** The running FIX engine's waker (any thread sets it when an engine starts), null before. */
    private volatile dev.tandem.journal.idle.IdleWaker engineWaker;

    SessionHandles(final List<SessionConfig> configs)
    {
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(
            RING_CAPACITY_BYTES + RingBufferDescriptor.TRAILER_LENGTH).order(java.nio.ByteOrder.nativeOrder())));
        this.handles = new SessionHandle[configs.size()];
        this.sessions = new FixSession[configs.size()];
        for (int i = 0; i < handles.length; i++)
        {
            handles[i] = new SessionHandle(i, configs.get(i).senderCompId(), configs.get(i).targetCompId(), ring,
                this);
        }
        assert BitUtil.isPowerOfTwo(RING_CAPACITY_BYTES);
    }

    /** Sends from now on wake this engine's thread (a new engine at start and at each activation). Any thread. */
    void wakeOnSend(final dev.tandem.journal.idle.IdleWaker waker)
    {
        engineWaker = waker;
    }

    /** A message was queued: the engine drains it at once rather than at its next timer. Any thread. */
    void wakeEngine()
    {
        final dev.tandem.journal.idle.IdleWaker waker = engineWaker;
        if (waker != null)
        {
            waker.wakeup();
        }
    }

    /** The handle of the session with these CompIDs, or an exception naming the configured ones. */
    SessionHandle handle(final String senderCompId, final String targetCompId)
    {
        for (final SessionHandle handle : handles)
        {
            if (handle.senderCompId().equals(senderCompId) && handle.targetCompId().equals(targetCompId))
            {
                return handle;
            }
        }
        final StringBuilder known = new StringBuilder();
        for (final SessionHandle handle : handles)
        {
            known.append(known.length() == 0 ? "" : ", ").append(handle.senderCompId()).append("->")
                .append(handle.targetCompId());
        }
        throw new IllegalArgumentException("no session " + senderCompId + "->" + targetCompId + " in fix.sessions (" +
            known + ")");
    }

    private int slotOf(final FixSession session)
    {
        for (int i = 0; i < handles.length; i++)
        {
            if (handles[i].senderCompId().equals(session.config().senderCompId()) &&
                handles[i].targetCompId().equals(session.config().targetCompId()))
            {
                return i;
            }
        }
        return -1;
    }

    void onLogon(final FixSession session)
    {
        final int slot = slotOf(session);
        if (slot >= 0)
        {
            sessions[slot] = session;
            handles[slot].loggedOn = true;
        }
    }

    void onLogout(final FixSession session)
    {
        final int slot = slotOf(session);
        if (slot >= 0)
        {
            handles[slot].loggedOn = false;
        }
    }

    /** Marks every handle logged out: the acceptor is gone (fenced, failed, closed). Any thread. */
    void allLoggedOut()
    {
        for (final SessionHandle handle : handles)
        {
            handle.loggedOn = false;
        }
    }

    /** Sends what other threads queued, in order, up to {@link #DRAIN_LIMIT} messages. Duty-cycle thread. */
    int drain()
    {
        return ring.controlledRead(this, DRAIN_LIMIT);
    }

    @Override
    public Action onMessage(final int msgTypeId, final org.agrona.MutableDirectBuffer buffer, final int index,
        final int length)
    {
        final int slot = msgTypeId - 1;
        final FixSession session = slot < sessions.length ? sessions[slot] : null;
        if (session == null || !session.isLoggedOn())
        {
            handles[slot].dropped.incrementAndGet();
            return Action.CONTINUE;
        }
        final int msgTypeLength = buffer.getByte(index);
        final int bodyOffset = index + 1 + msgTypeLength;
        final long result = session.send((DirectBuffer)buffer, index + 1, msgTypeLength, buffer, bodyOffset,
            length - 1 - msgTypeLength);
        if (result == FixSession.BACK_PRESSURED)
        {
            // the session's outbound buffer is full: keep this message (and those behind it) in the ring
            return Action.ABORT;
        }
        if (result < 0)
        {
            handles[slot].dropped.incrementAndGet();
        }
        return Action.CONTINUE;
    }
}
