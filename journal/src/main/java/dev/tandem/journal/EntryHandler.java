package dev.tandem.journal;

/**
 * Receives journal entries while they are read. The entry is a flyweight valid only during the call.
 * <p>
 * Threading: called on the thread that reads (the journal's owner for {@code readOutbound}, the reader's thread for
 * {@link JournalReader#poll}).
 */
@FunctionalInterface
public interface EntryHandler
{
    /** One entry, in position order (or MsgSeqNum order for {@code readOutbound}). */
    void onEntry(JournalEntry entry);
}
