package dev.tandem.node;

import dev.tandem.fix.FixSession;
import org.agrona.DirectBuffer;

/**
 * Recovery as a feature: after an activation (the replicated journal may hold requests the dead primary received
 * but never answered) and after a primary restarts on its own journal, the node hands the application each inbound
 * application message of a session that has no answer in the journal, as the session's {@link Correlation} defines
 * an answer. The counterparty will not send them again: its sequence numbers say they were delivered.
 * <p>
 * When: once per node start or activation and session, when that session first logs on, on the FIX engine's
 * thread, after {@code FixApplication.onLogon} and before any new inbound message of the session is delivered. The
 * application answers there ({@link FixSession#tryClaim}/{@code commit}, typically with PossResend=Y), or decides
 * not to. "Answered" means: the journal holds, after the inbound message, an outbound application message of the
 * same session whose correlation field (e.g. ClOrdID(11)) has the inbound message's value. Only the last
 * {@link Correlation#scanEntries()} journal entries are scanned.
 * <p>
 * Threading: the FIX engine's duty-cycle thread. The bytes are valid only during the call; {@code session.decoder()}
 * is not wrapped over them (wrap a decoder of your own, or read fields with {@link Correlation} helpers).
 */
@FunctionalInterface
public interface RecoveryHandler
{
    /**
     * One unanswered inbound application message: the whole message, 8 through 10, as journaled.
     *
     * @param msgSeqNum the message's MsgSeqNum.
     */
    void onUnanswered(DirectBuffer buffer, int offset, int length, int msgSeqNum, FixSession session);
}
