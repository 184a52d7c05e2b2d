package dev.tandem.node.demo;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import org.agrona.DirectBuffer;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * An initiator-side application that sends NewOrderSingle messages with ClOrdID 1, 2, 3... at a steady rate while
 * logged on, and checks the answers an echoing acceptor sends back: each id should come back exactly once, or again
 * only with PossDupFlag=Y (a resend). Used by the demo, the system tests and the failover-time harness.
 * <p>
 * Threading: callbacks on the initiator's FIX thread; the counters may be read from any thread (volatile).
 * {@link #unanswered()} and {@link #firstUnanswered()} read the answer set: call them once the FIX thread has stopped
 * or from it.
 */
public final class OrderFlow implements FixApplication
{
    /** Orders at most sent in one duty cycle to catch up after a pause, so a reconnect does not flood the acceptor. */
    private static final int MAX_BURST = 50;

    private final long ratePerSecond;
    private final BitSet answered = new BitSet();
    private FixSession session;
    private long periodNs;
    private long nextSendNs;
    private volatile boolean sending = true;
    private volatile long sent;
    private volatile long answers;
    private volatile long duplicates;
    private volatile long possDupAnswers;
    private volatile long possDupRepeats;
    private volatile long lastAnswerNs;
    private volatile int logons;
    private volatile LogonObserver logonObserver = (sender, target) ->
    {
    };
    private volatile int logonNextSenderSeqNum;
    private volatile int logonNextTargetSeqNum;

    public OrderFlow(final long ratePerSecond)
    {
        this.ratePerSecond = ratePerSecond;
        this.periodNs = TimeUnit.SECONDS.toNanos(1) / Math.max(1, ratePerSecond);
    }

    @Override
    public void onLogon(final FixSession session)
    {
        this.session = session;
        logonNextSenderSeqNum = session.nextSenderSeqNum();
        logonNextTargetSeqNum = session.nextTargetSeqNum();
        nextSendNs = 0;
        logons++;
        logonObserver.onLogon(logonNextSenderSeqNum, logonNextTargetSeqNum);
    }

    @Override
    public void onLogout(final FixSession session)
    {
        this.session = null;
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
        final FixDecoder decoder = session.decoder();
        final long id = decoder.longValue(11, -1);
        if (id <= 0 || id > Integer.MAX_VALUE)
        {
            return;
        }
        lastAnswerNs = System.nanoTime();
        final boolean possDup = decoder.possDup() || decoder.booleanValue(97);
        if (answered.get((int)id))
        {
            if (possDup)
            {
                possDupRepeats++;
            }
            else
            {
                duplicates++;
            }
            return;
        }
        answered.set((int)id);
        answers++;
        if (possDup)
        {
            possDupAnswers++;
        }
    }

    @Override
    public int doWork(final long nowNs)
    {
        final FixSession current = session;
        if (!sending || current == null || !current.isLoggedOn())
        {
            return 0;
        }
        if (nextSendNs == 0 || nowNs - nextSendNs > MAX_BURST * periodNs)
        {
            nextSendNs = nowNs;
        }
        int work = 0;
        while (nowNs - nextSendNs >= 0 && work < MAX_BURST)
        {
            final FixEncoder encoder = current.tryClaim("D");
            if (encoder == null)
            {
                break;
            }
            final long id = sent + 1;
            encoder.putLong(11, id).putChar(21, '1').putAscii(55, "TNDM").putChar(54, '1')
                .putTimestampMs(60, System.currentTimeMillis()).putLong(38, 100).putChar(40, '2')
                .putDecimal(44, 10_000 + id % 100, 2);
            if (current.commit() < 0)
            {
                break;
            }
            sent = id;
            nextSendNs += periodNs;
            work++;
        }
        return work;
    }

    /** Told of each Logon with the session's sequence numbers; called on the FIX thread, must not block. */
    @FunctionalInterface
    public interface LogonObserver
    {
        void onLogon(int nextSenderSeqNum, int nextTargetSeqNum);
    }

    /** Sets who is told of each Logon. */
    public OrderFlow logonObserver(final LogonObserver logonObserver)
    {
        this.logonObserver = logonObserver;
        return this;
    }

    /** Logons completed so far. */
    public int logons()
    {
        return logons;
    }

    /** Stops sending new orders; answers are still counted. */
    public void stopSending()
    {
        sending = false;
    }

    public long ratePerSecond()
    {
        return ratePerSecond;
    }

    /** Orders journaled and sent (ids 1..sent). */
    public long sent()
    {
        return sent;
    }

    /** Distinct ids answered. */
    public long answers()
    {
        return answers;
    }

    /** Ids answered again without PossDupFlag: a duplicate the counterparty cannot tell apart. */
    public long duplicates()
    {
        return duplicates;
    }

    /** Ids first answered by a resend (PossDupFlag=Y): recovered from a gap. */
    public long possDupAnswers()
    {
        return possDupAnswers;
    }

    /** Ids answered again with PossDupFlag=Y or PossResend=Y: repeats the counterparty can recognise. */
    public long possDupRepeats()
    {
        return possDupRepeats;
    }

    /** {@link System#nanoTime()} of the last answer, 0 before any. */
    public long lastAnswerNs()
    {
        return lastAnswerNs;
    }

    /** The initiator's next outbound MsgSeqNum when it last logged on. */
    public int logonNextSenderSeqNum()
    {
        return logonNextSenderSeqNum;
    }

    /** The next inbound MsgSeqNum the initiator expected when it last logged on. */
    public int logonNextTargetSeqNum()
    {
        return logonNextTargetSeqNum;
    }

    /** Orders sent and never answered. */
    public long unanswered()
    {
        return sent - answered.cardinality();
    }

    /** The lowest id sent and never answered, or 0. */
    public long firstUnanswered()
    {
        final int clear = answered.nextClearBit(1);
        return clear <= sent ? clear : 0;
    }
}
