package dev.tandem.node;

import dev.tandem.journal.Journal;

/**
 * An application that reconciles its work when its node turns Hot. The replicated journal can hold a request the old
 * primary received (and replicated) but died before answering; the counterparty will not send it again, since its
 * sequence numbers say it was delivered. Implement this next to {@code dev.tandem.fix.FixApplication} to find such
 * requests in the journal and answer them once the session logs on.
 * <p>
 * Threading: {@link #onActivation} is called once, on the node's control thread, before the FIX acceptor starts;
 * the FIX thread starts afterwards (a happens-before edge), so state built here may be used from the callbacks.
 * <p>
 * Superseded by {@link RecoveryHandler}, which finds the unanswered requests itself (by a {@link Correlation}) and
 * hands them over at the session's Logon: prefer it in new applications. This interface keeps working.
 */
public interface RecoverableApplication
{
    /** The node turned Hot on {@code journal}, which no other thread appends to during this call. */
    void onActivation(Journal journal);
}
