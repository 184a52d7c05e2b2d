package dev.tandem.replication;

import dev.tandem.journal.EntryHandler;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalException;
import dev.tandem.journal.JournalReader;
import org.agrona.concurrent.UnsafeBuffer;

import static dev.tandem.replication.FrameDescriptor.*;

/**
 * Reads the source's journal from the attached sink's next position, first the catch-up and then the live tail, and
 * packs the entries into data frames of at most the agreed length in the sink's channel, publishing each committed
 * frame to the {@link SourceCounters}.
 * <p>
 * Not thread safe: owned by the source's agent.
 */
final class EntryStreamer
{
    /** {@link #send(long)}: the stream must stop; {@link #errorReason()} and {@link #errorText()} say why. */
    static final int ERROR = -1;

    /** Entries copied per duty cycle at most, so a catch-up does not starve acks, heartbeats and newcomers. */
    private static final int MAX_ENTRIES_PER_CYCLE = 16 * 1024;

    private final Journal journal;
    private final FrameChannel channel;
    private final SourceCounters counters;
    /** A named class, not a method reference: linking one costs the first activation of a process a millisecond or so. */
    private final EntryHandler copier = new EntryHandler()
    {
        @Override
        public void onEntry(final JournalEntry entry)
        {
            copyEntry(entry);
        }
    };

    private JournalReader reader;
    private long nextSendPosition;
    private int frameLimit;
    private int frameOffset = -1;
    private int frameLength;
    private int frameEntries;
    private long frameFirstPosition;
    private long nowNs;
    private String errorText;
    private CloseReason errorReason;

    EntryStreamer(final Journal journal, final FrameChannel channel, final SourceCounters counters)
    {
        this.journal = journal;
        this.channel = channel;
        this.counters = counters;
    }

    /**
     * Starts a stream for a newly attached sink.
     *
     * @param reader     positioned at {@code nextPosition}, or null when the journal does not hold it yet (a reader
     *                   asked for a position past the end could pass over an entry being appended right then, so it
     *                   is opened once the journal holds that position).
     * @param frameLimit the largest data frame this sink takes.
     */
    void start(final JournalReader reader, final long nextPosition, final int frameLimit)
    {
        closeReader();
        this.reader = reader;
        this.nextSendPosition = nextPosition;
        this.frameLimit = frameLimit;
        this.frameOffset = -1;
        this.errorText = null;
    }

    /** Ends the stream: drops a frame being built and closes the reader. */
    void stop()
    {
        frameOffset = -1;
        closeReader();
    }

    String errorText()
    {
        return errorText;
    }

    CloseReason errorReason()
    {
        return errorReason;
    }

    /**
     * Copies what the journal holds beyond the last position sent, while the channel's unsent bytes stay within one
     * frame, and commits the frames.
     *
     * @return entries copied, or {@link #ERROR}.
     */
    int send(final long nowNs)
    {
        return send(nowNs, Long.MAX_VALUE);
    }

    /**
     * As {@link #send(long)}, but sends no position beyond {@code limitPosition} (a DR link is held to what the
     * standby has acknowledged).
     *
     * @return entries copied, or {@link #ERROR}.
     */
    int send(final long nowNs, final long limitPosition)
    {
        this.nowNs = nowNs;
        if (!openReaderIfDue())
        {
            return errorText != null ? ERROR : 0;
        }
        int entries = 0;
        while (entries < MAX_ENTRIES_PER_CYCLE && channel.pendingBytes() <= frameLimit &&
            nextSendPosition <= limitPosition)
        {
            if (frameOffset < 0 && !beginFrame())
            {
                break;
            }
            final int polled;
            try
            {
                polled = reader.poll(copier, 1);
            }
            catch (final JournalException ex)
            {
                return error(CloseReason.JOURNAL_ERROR, "reading the journal failed: " + ex.getMessage());
            }
            if (polled == 0)
            {
                break;
            }
            if (errorText != null)
            {
                return ERROR;
            }
            entries++;
        }
        if (frameOffset >= 0 && frameEntries > 0)
        {
            commitFrame();
        }
        frameOffset = -1;
        return entries;
    }

    private boolean openReaderIfDue()
    {
        if (reader != null)
        {
            return true;
        }
        if (journal.lastPosition() < nextSendPosition)
        {
            return false;
        }
        try
        {
            reader = journal.reader(nextSendPosition);
            return true;
        }
        catch (final JournalException ex)
        {
            error(CloseReason.JOURNAL_ERROR, "cannot read from position " + nextSendPosition + ": " + ex.getMessage());
            return false;
        }
    }

    private boolean beginFrame()
    {
        frameOffset = channel.claim(frameLimit);
        frameLength = DATA_ENTRIES_OFFSET;
        frameEntries = 0;
        frameFirstPosition = nextSendPosition;
        return frameOffset >= 0;
    }

    private void copyEntry(final JournalEntry entry)
    {
        final int length = entry.rawLength();
        if (entry.position() < nextSendPosition)
        {
            return;
        }
        if (entry.position() != nextSendPosition)
        {
            error(CloseReason.JOURNAL_ERROR, "journal delivered position " + entry.position() + " where " +
                nextSendPosition + " was expected");
            return;
        }
        if (frameLength + ENTRY_LENGTH_PREFIX + length > frameLimit)
        {
            if (frameEntries == 0)
            {
                error(CloseReason.FRAME_TOO_LONG, "entry at position " + nextSendPosition + " is " + length +
                    " bytes; frames to this sink are limited to " + frameLimit +
                    " bytes (maxBatchBytes / sink maxFrameLengthBytes)");
                return;
            }
            commitFrame();
            if (!beginFrame())
            {
                error(CloseReason.PROTOCOL_ERROR, "send buffer full");
                return;
            }
        }
        final UnsafeBuffer out = channel.sendBuffer();
        out.putInt(frameOffset + frameLength, length, ORDER);
        out.putBytes(frameOffset + frameLength + ENTRY_LENGTH_PREFIX, entry.rawBuffer(), entry.rawOffset(), length);
        frameLength += ENTRY_LENGTH_PREFIX + length;
        frameEntries++;
        nextSendPosition++;
    }

    private void commitFrame()
    {
        final UnsafeBuffer out = channel.sendBuffer();
        header(out, frameOffset, frameLength, TYPE_DATA);
        out.putLong(frameOffset + DATA_FIRST_POSITION_OFFSET, frameFirstPosition, ORDER);
        out.putInt(frameOffset + DATA_ENTRY_COUNT_OFFSET, frameEntries, ORDER);
        // the duty cycle's start: never later than the frame leaves, so a lease timed from it errs short
        out.putLong(frameOffset + DATA_SOURCE_NS_OFFSET, nowNs, ORDER);
        channel.commit(frameOffset, frameLength);
        counters.onSent(frameFirstPosition + frameEntries - 1, frameLength, nowNs);
        frameOffset = -1;
    }

    private int error(final CloseReason reason, final String text)
    {
        errorReason = reason;
        errorText = text;
        return ERROR;
    }

    private void closeReader()
    {
        if (reader != null)
        {
            reader.close();
            reader = null;
        }
    }
}
