package dev.tandem.replication;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalException;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import static dev.tandem.replication.FrameDescriptor.*;

/**
 * Unpacks the source's data frames and appends each entry to the sink's journal in order, at the same position:
 * entries it already holds (resent after a reconnect) are skipped and counted, a gap or a malformed frame is refused.
 * <p>
 * Threading: owned by the sink's agent, which owns the journal's appends. The counters have that one writer, which
 * publishes them with ordered stores (a release, no full fence per entry); their accessors are volatile reads, safe
 * from any thread.
 */
final class EntryAppender
{
    private static final VarHandle LAST_APPENDED_POSITION = handle("lastAppendedPosition");
    private static final VarHandle ENTRIES_APPENDED = handle("entriesAppended");
    private static final VarHandle DUPLICATES_SKIPPED = handle("duplicatesSkipped");

    private final Journal journal;
    private long appended;
    private CloseReason failReason;
    private String failText;

    private volatile long lastAppendedPosition;
    private volatile long entriesAppended;
    private volatile long duplicatesSkipped;

    private static VarHandle handle(final String field)
    {
        try
        {
            return MethodHandles.lookup().findVarHandle(EntryAppender.class, field, long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    EntryAppender(final Journal journal)
    {
        this.journal = journal;
        reset();
    }

    /** Starts again from the journal's last position (a new session). */
    void reset()
    {
        appended = journal.lastPosition();
        LAST_APPENDED_POSITION.setRelease(this, appended);
    }

    /**
     * Appends the entries of one data frame.
     *
     * @return false when the frame is refused; {@link #failReason()} and {@link #failText()} say why.
     */
    boolean onData(final UnsafeBuffer buffer, final int offset, final int length)
    {
        if (length < DATA_ENTRIES_OFFSET)
        {
            return fail(CloseReason.PROTOCOL_ERROR, "data frame of " + length + " bytes");
        }
        final long first = buffer.getLong(offset + DATA_FIRST_POSITION_OFFSET, ORDER);
        final int count = buffer.getInt(offset + DATA_ENTRY_COUNT_OFFSET, ORDER);
        final int end = offset + length;
        int at = offset + DATA_ENTRIES_OFFSET;
        for (int i = 0; i < count; i++)
        {
            if (at + ENTRY_LENGTH_PREFIX > end)
            {
                return fail(CloseReason.PROTOCOL_ERROR, "data frame truncated at entry " + i + " of " + count);
            }
            final int entryLength = buffer.getInt(at, ORDER);
            at += ENTRY_LENGTH_PREFIX;
            if (entryLength <= 0 || at + entryLength > end)
            {
                return fail(CloseReason.PROTOCOL_ERROR, "entry " + i + " has a bad length " + entryLength);
            }
            final long position = first + i;
            if (position <= appended)
            {
                DUPLICATES_SKIPPED.setRelease(this, duplicatesSkipped + 1);
            }
            else if (position != appended + 1)
            {
                return fail(CloseReason.PROTOCOL_ERROR, "gap: position " + position + " arrived after " + appended);
            }
            else
            {
                final long result;
                try
                {
                    result = journal.appendReplicated(buffer, at, entryLength);
                }
                catch (final JournalException ex)
                {
                    return fail(CloseReason.JOURNAL_ERROR, "journal refused position " + position + ": " +
                        ex.getMessage());
                }
                if (result != position)
                {
                    return fail(CloseReason.JOURNAL_ERROR, "journal stored position " + position + " as " + result);
                }
                appended = position;
                ENTRIES_APPENDED.setRelease(this, entriesAppended + 1);
            }
            at += entryLength;
        }
        if (at != end)
        {
            return fail(CloseReason.PROTOCOL_ERROR, "data frame has " + (end - at) + " bytes after its last entry");
        }
        LAST_APPENDED_POSITION.setRelease(this, appended);
        return true;
    }

    private boolean fail(final CloseReason reason, final String text)
    {
        failReason = reason;
        failText = text;
        return false;
    }

    /** The highest position appended, as the agent thread knows it (also mid-frame). */
    long appended()
    {
        return appended;
    }

    CloseReason failReason()
    {
        return failReason;
    }

    String failText()
    {
        return failText;
    }

    /** The highest position appended, published after each frame. */
    long lastAppendedPosition()
    {
        return lastAppendedPosition;
    }

    long entriesAppended()
    {
        return entriesAppended;
    }

    long duplicatesSkipped()
    {
        return duplicatesSkipped;
    }
}
