package dev.tandem.fix.interop;

import quickfix.Message;
import quickfix.Session;

/** Sends numbered NewOrderSingles through a QuickFIX/J session; stored for resend when the session is down. */
final class QuickFixJSender
{
    private QuickFixJSender()
    {
    }

    static void send(final Session session, final int from, final int to)
    {
        for (int id = from; id < to; id++)
        {
            final Message order = new Message();
            order.getHeader().setString(35, "D");
            order.setInt(11, id);
            order.setChar(21, '1');
            order.setString(55, "TNDM");
            order.setChar(54, '1');
            order.setString(60, "20260101-00:00:00.000");
            order.setChar(40, '1');
            order.setInt(38, 100);
            session.send(order);
        }
    }
}
