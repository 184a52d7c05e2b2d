package dev.tandem.node;

import dev.tandem.journal.Journal;

/**
 * An application that reconciles its work when its node turns Hot. The replicated journal can hold a request the old
 * primary received (and replicated) but died before answering; the counterparty will not send it again, since its
 * sequence numbers say it was delivered. Implement this next to {@code dev.tandem.fix.FixApplication} to find such
 * requests in the journal and answer them once the session logs on.
 * <p>
 * Threading: {@link #onActivation} is called once per activation, on the node's control thread, before the FIX
 * acceptor starts; the FIX thread starts afterwards (a happens-before edge), so state built here may be used from the
 * callbacks. {@link #onReplicated} is called on the same control thread, only while the node is Warm: never while
 * the FIX acceptor runs (a switchover's old primary closes its acceptor, joining its thread, before it turns Warm).
 * <p>
 * Superseded by {@link RecoveryHandler}, which finds the unanswered requests itself (by a {@link Correlation}) and
 * hands them over at the session's Logon: prefer it in new applications. This interface keeps working.
 */
public interface RecoverableApplication
{
    /** The node turned Hot on {@code journal}, which no other thread appends to during this call. */
    void onActivation(Journal journal);

    /**
     * The node is Warm and its replication sink appends to {@code journal}: the application may read what was
     * appended since its last call, so that {@link #onActivation} has only the rest to read and an activation does
     * not take longer as the journal grows. Called on the node's control thread about every
     * {@code Node.REPLICATED_INTERVAL_MS} while Warm, and again at once while it returns more than 0 (up to 64 calls
     * or 1 ms in a row, then in the next duty cycle); a call must do a bounded amount of work (a batch of entries) and
     * return how much it did, 0 when nothing was new. {@code journal} is another instance after the node set its
     * journal aside. The default does nothing.
     */
    default int onReplicated(final Journal journal)
    {
        return 0;
    }
}
