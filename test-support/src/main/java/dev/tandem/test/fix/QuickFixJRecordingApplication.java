package dev.tandem.test.fix;

import java.util.concurrent.atomic.AtomicInteger;

import quickfix.Application;
import quickfix.FieldNotFound;
import quickfix.Message;
import quickfix.SessionID;

/**
 * A QuickFIX/J application that records each application message in a {@link ReceivedLedger} by the integer id in
 * {@code idTag} (e.g. ClOrdID 11), with its PossDupFlag, and counts logons, logouts and received admin messages by type.
 * Thread safe.
 */
public final class QuickFixJRecordingApplication implements Application
{
    private final ReceivedLedger ledger;
    private final int idTag;
    private final AtomicInteger logons = new AtomicInteger();
    private final AtomicInteger logouts = new AtomicInteger();
    private final AtomicInteger resendRequestsReceived = new AtomicInteger();
    private final AtomicInteger gapFillsReceived = new AtomicInteger();
    private volatile boolean loggedOn;

    /**
     * @param ledger where receipts go.
     * @param idTag  the tag holding the message id.
     */
    public QuickFixJRecordingApplication(final ReceivedLedger ledger, final int idTag)
    {
        this.ledger = ledger;
        this.idTag = idTag;
    }

    /** @return the ledger. */
    public ReceivedLedger ledger()
    {
        return ledger;
    }

    /** @return logons completed. */
    public int logons()
    {
        return logons.get();
    }

    /** @return logouts (or disconnects after a logon) seen. */
    public int logouts()
    {
        return logouts.get();
    }

    /** @return whether the session is logged on now. */
    public boolean loggedOn()
    {
        return loggedOn;
    }

    /** @return ResendRequests received from the peer. */
    public int resendRequestsReceived()
    {
        return resendRequestsReceived.get();
    }

    /** @return SequenceReset-GapFills received from the peer. */
    public int gapFillsReceived()
    {
        return gapFillsReceived.get();
    }

    @Override
    public void onCreate(final SessionID sessionId)
    {
    }

    @Override
    public void onLogon(final SessionID sessionId)
    {
        logons.incrementAndGet();
        loggedOn = true;
    }

    @Override
    public void onLogout(final SessionID sessionId)
    {
        loggedOn = false;
        logouts.incrementAndGet();
    }

    @Override
    public void toAdmin(final Message message, final SessionID sessionId)
    {
    }

    @Override
    public void fromAdmin(final Message message, final SessionID sessionId) throws FieldNotFound
    {
        final String msgType = message.getHeader().getString(35);
        if ("2".equals(msgType))
        {
            resendRequestsReceived.incrementAndGet();
        }
        else if ("4".equals(msgType) && message.isSetField(123) && message.getBoolean(123))
        {
            gapFillsReceived.incrementAndGet();
        }
    }

    @Override
    public void toApp(final Message message, final SessionID sessionId)
    {
    }

    @Override
    public void fromApp(final Message message, final SessionID sessionId) throws FieldNotFound
    {
        final boolean possDup = message.getHeader().isSetField(43) && message.getHeader().getBoolean(43);
        ledger.record(Integer.parseInt(message.getString(idTag)), possDup);
    }
}
