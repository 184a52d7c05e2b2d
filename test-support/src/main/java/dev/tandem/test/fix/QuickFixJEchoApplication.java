package dev.tandem.test.fix;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import quickfix.Application;
import quickfix.FieldNotFound;
import quickfix.Message;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionNotFound;

/**
 * The echo application the acceptance scripts expect, on QuickFIX/J: each application message is sent back to its
 * sender with the same MsgType and body and a fresh header. As the scripts' application-level check (script 19a)
 * requires, a message with PossResend (97) = Y whose ClOrdID (11) was already seen on the session is not echoed.
 * <p>
 * Thread safe: QuickFIX/J may call it from its session threads.
 */
public final class QuickFixJEchoApplication implements Application
{
    private static final int CL_ORD_ID = 11;
    private static final int POSS_RESEND = 97;

    private final Set<String> seenClOrdIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong echoed = new AtomicLong();

    /** @return application messages echoed so far. */
    public long echoed()
    {
        return echoed.get();
    }

    @Override
    public void onCreate(final SessionID sessionId)
    {
    }

    @Override
    public void onLogon(final SessionID sessionId)
    {
    }

    @Override
    public void onLogout(final SessionID sessionId)
    {
        seenClOrdIds.removeIf(key -> key.startsWith(sessionId + "|"));
    }

    @Override
    public void toAdmin(final Message message, final SessionID sessionId)
    {
    }

    @Override
    public void fromAdmin(final Message message, final SessionID sessionId)
    {
    }

    @Override
    public void toApp(final Message message, final SessionID sessionId)
    {
    }

    @Override
    public void fromApp(final Message message, final SessionID sessionId) throws FieldNotFound
    {
        if (message.isSetField(CL_ORD_ID))
        {
            final boolean fresh = seenClOrdIds.add(sessionId + "|" + message.getString(CL_ORD_ID));
            if (!fresh && message.getHeader().isSetField(POSS_RESEND) &&
                message.getHeader().getBoolean(POSS_RESEND))
            {
                return;
            }
        }
        final Message echo = (Message)message.clone();
        final String msgType = message.getHeader().getString(quickfix.field.MsgType.FIELD);
        echo.getHeader().clear();
        echo.getTrailer().clear();
        echo.getHeader().setString(quickfix.field.MsgType.FIELD, msgType);
        try
        {
            Session.sendToTarget(echo, sessionId);
            echoed.incrementAndGet();
        }
        catch (final SessionNotFound ex)
        {
            throw new IllegalStateException("echo to unknown session " + sessionId, ex);
        }
    }
}
