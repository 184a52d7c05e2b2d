package dev.tandem.fix;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The memory an acceptor's sessions need (per session: the outbound buffer and its records, the inbound gap queue,
 * the buffer a queued message is taken into), allocated ahead of the acceptor and handed to it with
 * {@link FixContext#sessionMemory(SessionMemory)}. The first write to fresh memory faults its pages in, which on a
 * virtual machine is slow: a 1 MiB direct buffer took 2.8 ms on the build machine, about 3.5 ms a session at the
 * default sizes. A node allocates this while it is Warm, so its activation does not spend that time while
 * counterparties wait for their Logon.
 * <p>
 * One acceptor takes it, once: an acceptor created with memory already taken, or sized for other settings (the
 * number of sessions, {@code outboundBufferBytes}, {@code inboundQueueBytes}, {@code maxMessageLengthBytes}),
 * allocates its own as it does without. It is never given back, so no closing engine and next acceptor can share it.
 * <p>
 * Threading: {@link #allocate} on any thread (the allocation runs there); the acceptor's creator takes it (atomic).
 */
public final class SessionMemory
{
    private final int sessions;
    private final int outboundBufferBytes;
    private final int inboundQueueBytes;
    private final int maxMessageLengthBytes;
    private final OutboundQueue[] outbound;
    private final InboundQueue[] inbound;
    private final byte[][] dequeue;
    private final AtomicBoolean taken = new AtomicBoolean();

    private SessionMemory(final int sessions, final int outboundBufferBytes, final int inboundQueueBytes,
        final int maxMessageLengthBytes)
    {
        this.sessions = sessions;
        this.outboundBufferBytes = outboundBufferBytes;
        this.inboundQueueBytes = inboundQueueBytes;
        this.maxMessageLengthBytes = maxMessageLengthBytes;
        outbound = new OutboundQueue[sessions];
        inbound = new InboundQueue[sessions];
        dequeue = new byte[sessions][];
        for (int i = 0; i < sessions; i++)
        {
            outbound[i] = FixSession.newOutboundQueue(outboundBufferBytes);
            inbound[i] = new InboundQueue(inboundQueueBytes);
            dequeue[i] = new byte[maxMessageLengthBytes];
        }
    }

    /**
     * Allocates what an acceptor created from {@code context} will take: its sessions (as configured so far) at its
     * buffer sizes. Takes milliseconds per session; the memory is in use from here on.
     *
     * @throws IllegalArgumentException naming the setting, when one is out of range.
     */
    public static SessionMemory allocate(final FixContext context)
    {
        context.validateSettings();
        return new SessionMemory(context.sessions().size(), context.outboundBufferBytes(),
            context.inboundQueueBytes(), context.maxMessageLengthBytes());
    }

    /** Sessions this memory is for. */
    public int sessions()
    {
        return sessions;
    }

    /** Whether an acceptor took it. */
    public boolean isTaken()
    {
        return taken.get();
    }

    /** Takes it for an engine of {@code context}: true once, and only when the sizes are those of {@code context}. */
    boolean take(final FixContext context)
    {
        return sessions == context.sessions().size() && outboundBufferBytes == context.outboundBufferBytes() &&
            inboundQueueBytes == context.inboundQueueBytes() &&
            maxMessageLengthBytes == context.maxMessageLengthBytes() && taken.compareAndSet(false, true);
    }

    OutboundQueue outbound(final int session)
    {
        return outbound[session];
    }

    InboundQueue inbound(final int session)
    {
        return inbound[session];
    }

    byte[] dequeue(final int session)
    {
        return dequeue[session];
    }
}
