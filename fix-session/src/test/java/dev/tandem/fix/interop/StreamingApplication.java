package dev.tandem.fix.interop;

import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.DirectBuffer;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.test.fix.ReceivedLedger;

/**
 * Our side of an interop run: records every application message received in a {@link ReceivedLedger} by its ClOrdID
 * (11) with its PossDupFlag, and streams numbered NewOrderSingles (ClOrdID 0, 1, 2 ...) up to a limit the test raises,
 * sending from the duty cycle whenever the session is logged on and the outbound buffer has room.
 * <p>
 * Threading: callbacks and {@link #doWork(long)} on the engine's duty-cycle thread; {@link #sendUpTo(int)} and the
 * getters from any thread.
 */
final class StreamingApplication implements FixApplication
{
    private static final int CL_ORD_ID = 11;
    private static final int MAX_SENDS_PER_DUTY_CYCLE = 64;

    private final ReceivedLedger ledger;
    private final AtomicInteger sendLimit = new AtomicInteger();
    private final AtomicInteger logons = new AtomicInteger();
    private final AtomicInteger logouts = new AtomicInteger();
    private volatile FixSession session;
    private volatile boolean loggedOn;
    private volatile int nextId;
    private volatile long lastRefusal;

    StreamingApplication(final ReceivedLedger ledger)
    {
        this.ledger = ledger;
    }

    @Override
    public void onLogon(final FixSession session)
    {
        this.session = session;
        loggedOn = true;
        logons.incrementAndGet();
    }

    @Override
    public void onLogout(final FixSession session)
    {
        loggedOn = false;
        logouts.incrementAndGet();
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
        final FixDecoder decoder = session.decoder();
        ledger.record(decoder.intValue(CL_ORD_ID, -1), decoder.possDup());
    }

    @Override
    public int doWork(final long nowNs)
    {
        final FixSession session = this.session;
        if (session == null || !session.isLoggedOn())
        {
            return 0;
        }
        int work = 0;
        int id = nextId;
        final int limit = sendLimit.get();
        while (id < limit && work < MAX_SENDS_PER_DUTY_CYCLE)
        {
            final FixEncoder encoder = session.tryClaim("D");
            if (encoder == null)
            {
                lastRefusal = session.lastStatus();
                break;
            }
            encoder.putInt(CL_ORD_ID, id).putChar(21, '1').putAscii(55, "TNDM").putChar(54, '1')
                .putAscii(60, "20260101-00:00:00.000").putChar(40, '1').putInt(38, 100);
            final long result = session.commit();
            if (result < 0)
            {
                lastRefusal = result;
                break;
            }
            id++;
            work++;
        }
        nextId = id;
        return work;
    }

    /** Lets the duty cycle send ids up to {@code limit} (exclusive). */
    void sendUpTo(final int limit)
    {
        sendLimit.set(limit);
    }

    /** @return ids sent (committed) so far. */
    int sent()
    {
        return nextId;
    }

    ReceivedLedger ledger()
    {
        return ledger;
    }

    boolean loggedOn()
    {
        return loggedOn;
    }

    int logons()
    {
        return logons.get();
    }

    int logouts()
    {
        return logouts.get();
    }

    long lastRefusal()
    {
        return lastRefusal;
    }

    @Override
    public String toString()
    {
        return "StreamingApplication{sent=" + nextId + ", limit=" + sendLimit + ", loggedOn=" + loggedOn + ", logons=" +
            logons + ", logouts=" + logouts + ", lastRefusal=" + lastRefusal + ", " + ledger + '}';
    }
}
