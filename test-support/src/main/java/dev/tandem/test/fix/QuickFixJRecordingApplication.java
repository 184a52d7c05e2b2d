package dev.tandem.test.fix;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import quickfix.Application;
import quickfix.FieldNotFound;
import quickfix.Message;
import quickfix.SessionID;

/**
 * A QuickFIX/J application that records each application message in a {@link ReceivedLedger} by the integer id in
 * {@code idTag} (e.g. ClOrdID 11), marked as a possible repeat when it carries PossDupFlag (43) or PossResend (97),
 * and counts logons, logouts and received admin messages by type, keeping the text of every Logout either way. The
 * one recording application of the tests that drive a QuickFIX/J peer: a test that also sends holds one and sends
 * on its own thread.
 * <p>
 * Thread safe: QuickFIX/J's threads call it, any thread reads it.
 */
public final class QuickFixJRecordingApplication implements Application
{
    private final ReceivedLedger ledger;
    private final int idTag;
    private final AtomicInteger logons = new AtomicInteger();
    private final AtomicInteger logouts = new AtomicInteger();
    private final AtomicInteger resendRequestsReceived = new AtomicInteger();
    private final AtomicInteger gapFillsReceived = new AtomicInteger();
    private final List<String> logoutTexts = new CopyOnWriteArrayList<>();
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

    /** @return the Text (58) of every Logout sent or received, "" for none, in order. */
    public List<String> logoutTexts()
    {
        return logoutTexts;
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
        try
        {
            recordLogout(message);
        }
        catch (final FieldNotFound ignore)
        {
            // an admin message without MsgType: not a Logout
        }
    }

    @Override
    public void fromAdmin(final Message message, final SessionID sessionId) throws FieldNotFound
    {
        recordLogout(message);
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
        final boolean possResend = message.getHeader().isSetField(97) && message.getHeader().getBoolean(97);
        ledger.record(Integer.parseInt(message.getString(idTag)), possDup || possResend);
    }

    private void recordLogout(final Message message) throws FieldNotFound
    {
        if ("5".equals(message.getHeader().getString(35)))
        {
            logoutTexts.add(message.isSetField(58) ? message.getString(58) : "");
        }
    }
}
