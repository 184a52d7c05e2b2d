package dev.tandem.systemtests.chaos;

import java.util.List;

/**
 * The counterparty of a chaos run: logs on to whichever node answers, sends NewOrderSingles with ClOrdID 1, 2, 3...
 * at a fixed rate while logged on, counts answers by ClOrdID, and keeps every message it received from the acceptors
 * (raw bytes, in order) for the checks after the run.
 * <p>
 * Threading: counters readable from any thread; {@link #received()}, {@link #unansweredIds(int)} and
 * {@link #sequenceTooLow()} exact after {@link #close()}.
 */
interface ChaosInitiator extends AutoCloseable
{
    /** A short name for the tally, e.g. {@code quickfixj} or {@code tandem}. */
    String name();

    /** Orders sent (ids 1..sent). */
    long sent();

    /** Distinct ids answered. */
    long answered();

    /** Ids answered again without PossDupFlag or PossResend. */
    long duplicates();

    /** Ids answered again with PossDupFlag or PossResend (recognisable repeats). */
    long possDupRepeats();

    /** Logons completed. */
    int logons();

    /** Whether the session is logged on now. */
    boolean isLoggedOn();

    /** Stops sending new orders; answers are still counted. */
    void stopSending();

    /** Up to {@code max} ids sent and never answered, lowest first. */
    List<Long> unansweredIds(int max);

    /** Every message received from an acceptor, as received, in order (sessions of every Logon). */
    List<byte[]> received();

    /**
     * Times the initiator was told or found "MsgSeqNum too low" (a Logout text, or its own check); -1 while running
     * if it can only tell after {@link #close()}.
     */
    int sequenceTooLow();

    /** Stops the initiator and its threads; the received messages stay readable. */
    @Override
    void close();
}
