package dev.tandem.test.fix;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the FIX messages that pass one direction of a {@link FixTcpProxy}: per MsgType, application messages, those
 * with PossDupFlag=Y, SequenceReset-GapFills, and messages dropped while the proxy was blackholed.
 * <p>
 * Threading: each connection's relay thread frames its own bytes ({@link Feed}); the counters are atomic and may be
 * read from any thread.
 */
public final class FixTap
{
    private static final byte[] TRAILER = "\u000110=".getBytes(StandardCharsets.US_ASCII);

    private final Map<String, AtomicLong> byMsgType = new ConcurrentHashMap<>();
    private final AtomicLong applicationForwarded = new AtomicLong();
    private final AtomicLong possDupApplicationForwarded = new AtomicLong();
    private final AtomicLong gapFillsForwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** Starts framing a new connection's bytes; the returned feed belongs to that connection's relay thread. */
    Feed newConnection()
    {
        return new Feed();
    }

    /** Frames one connection's bytes into messages for the tap's counters. Used by one relay thread. */
    final class Feed
    {
        private byte[] pending = new byte[64 * 1024];
        private int pendingLength;

        /**
         * Feeds bytes read from the socket.
         *
         * @param bytes     the buffer.
         * @param offset    where the bytes start.
         * @param length    how many.
         * @param forwarded whether they were passed on (false while blackholed).
         */
        void onBytes(final byte[] bytes, final int offset, final int length, final boolean forwarded)
        {
            if (pendingLength + length > pending.length)
            {
                pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
            }
            System.arraycopy(bytes, offset, pending, pendingLength, length);
            pendingLength += length;
            int start = 0;
            int end;
            while ((end = frameEnd(pending, pendingLength, start)) > 0)
            {
                onMessage(FixMessage.parse(Arrays.copyOfRange(pending, start, end)), forwarded);
                start = end;
            }
            System.arraycopy(pending, start, pending, 0, pendingLength - start);
            pendingLength -= start;
        }
    }

    private void onMessage(final FixMessage message, final boolean forwarded)
    {
        if (!forwarded)
        {
            dropped.incrementAndGet();
            return;
        }
        final String msgType = String.valueOf(message.msgType());
        byMsgType.computeIfAbsent(msgType, t -> new AtomicLong()).incrementAndGet();
        if (!isAdmin(msgType))
        {
            applicationForwarded.incrementAndGet();
            if ("Y".equals(message.value(43)))
            {
                possDupApplicationForwarded.incrementAndGet();
            }
        }
        else if ("4".equals(msgType) && "Y".equals(message.value(123)))
        {
            gapFillsForwarded.incrementAndGet();
        }
    }

    private static int frameEnd(final byte[] pending, final int pendingLength, final int start)
    {
        int soh = 0;
        int i = start;
        for (; i < pendingLength && soh < 2; i++)
        {
            if (pending[i] == FixMessage.SOH)
            {
                soh++;
            }
        }
        if (soh < 2)
        {
            return -1;
        }
        outer:
        for (int t = i - 1; t <= pendingLength - TRAILER.length; t++)
        {
            for (int j = 0; j < TRAILER.length; j++)
            {
                if (pending[t + j] != TRAILER[j])
                {
                    continue outer;
                }
            }
            for (int k = t + TRAILER.length; k < pendingLength; k++)
            {
                if (pending[k] == FixMessage.SOH)
                {
                    return k + 1;
                }
            }
            return -1;
        }
        return -1;
    }

    /** @return true for the session-level MsgTypes 0, 1, 2, 3, 4, 5 and A. */
    public static boolean isAdmin(final String msgType)
    {
        return msgType.length() == 1 && "012345A".indexOf(msgType.charAt(0)) >= 0;
    }

    /** @return messages of {@code msgType} forwarded. */
    public long forwarded(final String msgType)
    {
        final AtomicLong count = byMsgType.get(msgType);
        return count == null ? 0 : count.get();
    }

    /** @return application messages forwarded. */
    public long applicationForwarded()
    {
        return applicationForwarded.get();
    }

    /** @return application messages forwarded with PossDupFlag=Y (resent). */
    public long possDupApplicationForwarded()
    {
        return possDupApplicationForwarded.get();
    }

    /** @return SequenceReset messages with GapFillFlag=Y forwarded. */
    public long gapFillsForwarded()
    {
        return gapFillsForwarded.get();
    }

    /** @return whole messages dropped while blackholed. */
    public long dropped()
    {
        return dropped.get();
    }

    @Override
    public String toString()
    {
        return "FixTap{byMsgType=" + byMsgType + ", app=" + applicationForwarded + ", possDupApp=" +
            possDupApplicationForwarded + ", gapFills=" + gapFillsForwarded + ", dropped=" + dropped + '}';
    }
}
