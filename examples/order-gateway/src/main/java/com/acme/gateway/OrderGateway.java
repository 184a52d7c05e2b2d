package com.acme.gateway;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.FixEncoder;
import dev.tandem.node.RecoveryHandler;
import org.agrona.DirectBuffer;

/** Accepts NewOrderSingles that pass the risk check with an ExecutionReport carrying their ClOrdID. */
public final class OrderGateway implements FixApplication, RecoveryHandler
{
    private final RiskCheck risk;
    private final OrderIds orderIds;
    private final FixDecoder recovered = new FixDecoder();

    public OrderGateway(final RiskCheck risk, final OrderIds orderIds)
    {
        this.risk = risk;
        this.orderIds = orderIds;
    }

    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
        if (session.decoder().isMsgType('D') && risk.passes(session.decoder().stringValue(11)))
        {
            accept(session.decoder(), session, false);
        }
    }

    /** An order the previous primary journaled but never answered: answer it now, flagged PossResend. */
    @Override
    public void onUnanswered(final DirectBuffer buffer, final int offset, final int length, final int msgSeqNum,
        final FixSession session)
    {
        recovered.wrap(buffer, offset, length);
        if (risk.passes(recovered.stringValue(11)))
        {
            accept(recovered, session, true);
        }
    }

    private void accept(final FixDecoder order, final FixSession session, final boolean possResend)
    {
        final FixEncoder report = session.tryClaim("8");
        if (report == null)
        {
            return; // not logged on or back-pressured: recovery hands it over again at the next Logon
        }
        if (possResend)
        {
            report.putChar(97, 'Y');
        }
        final String clOrdId = order.stringValue(11);
        final String orderId = orderIds.next();
        report.putAscii(37, orderId).putAscii(11, clOrdId).putAscii(17, orderId).putChar(150, '0')
            .putChar(39, '0').putAscii(55, order.stringValue(55)).putChar(54, order.charValue(54, '1'))
            .putAscii(151, order.stringValue(38)).putInt(14, 0).putInt(6, 0);
        session.commit();
    }
}
