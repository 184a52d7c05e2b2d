package dev.tandem.journal;

/**
 * Receives journal entries while they are read. The entry is a flyweight valid only during the call.
 */
@FunctionalInterface
public interface EntryHandler
{
    void onEntry(JournalEntry entry);
}
