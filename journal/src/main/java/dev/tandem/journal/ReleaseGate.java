package dev.tandem.journal;

/**
 * Decides when a journaled outbound message may be written to the counterparty's socket.
 * <p>
 * The FIX session layer journals a message, gets its journal position, and then asks the gate, without blocking,
 * whether that position may be released. Replication supplies gates that wait for the secondary's acknowledgement;
 * with no replication the {@link #OPEN} gate releases everything at once.
 * <p>
 * Threading: {@link #check} is called from the session agent's thread only; implementations read
 * acknowledgement state published by other threads through volatile or ordered fields, never through locks.
 */
@FunctionalInterface
public interface ReleaseGate
{
    /** The message may not go yet: ask again on a later duty cycle. */
    int WAIT = 0;
    /** The message may go now. */
    int RELEASE = 1;
    /** The message may not go and the session must be logged out and disconnected (a configured timeout action). */
    int DISCONNECT = 2;

    /** Releases everything at once: used when nothing replicates. */
    ReleaseGate OPEN = (position, enqueuedNs, nowNs) -> RELEASE;

    /**
     * @param position   the journal position returned by the append of the message.
     * @param enqueuedNs when the message started waiting, on the same nano clock as {@code nowNs}.
     * @param nowNs      the current time of the caller's nano clock.
     * @return {@link #WAIT}, {@link #RELEASE} or {@link #DISCONNECT}.
     */
    int check(long position, long enqueuedNs, long nowNs);

    /**
     * Whether bytes this gate has already released, and the caller has not yet written to the socket (a full socket
     * buffer, or a pause between the release and the write), may still be written now. Asked just before each write.
     * Replication's gate says no while what it released without an acknowledgement has lost its lease: a primary that
     * was paused between releasing and writing then writes nothing the new primary may lack. The default: yes.
     */
    default boolean mayWriteReleased()
    {
        return true;
    }
}
