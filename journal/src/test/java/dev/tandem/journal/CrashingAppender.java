package dev.tandem.journal;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Child-JVM main for crash tests: opens the journal in {@code args[0]} with persistence {@code args[1]} and appends
 * forever in a deterministic pattern (see {@link #step}), printing {@code APPENDED <position>} every
 * {@link #REPORT_EVERY} appends after the append returned, until it is killed.
 */
public final class CrashingAppender
{
    static final int SESSIONS = 3;
    static final int REPORT_EVERY = 50;

    private CrashingAppender()
    {
    }

    static String message(final long sessionId, final Direction direction, final int seqNum)
    {
        return "8=FIX.4.4\u00019=120\u000135=" + (direction == Direction.OUTBOUND ? "8" : "D") + "\u000134=" + seqNum +
            "\u000149=S" + sessionId + "\u000156=C" + sessionId + "\u000111=ord-" + sessionId + "-" + seqNum +
            "\u000158=padding-padding-padding-padding-padding-padding-padding\u000110=123\u0001";
    }

    /** One step of the pattern, chosen by the journal's next position so that restarts continue it. */
    static void step(final Journal journal, final UnsafeBuffer buffer)
    {
        final long position = journal.lastPosition() + 1;
        final long sessionId = 1 + position % SESSIONS;
        if (position % 97 == 0)
        {
            journal.appendSequenceChange(sessionId, journal.nextSenderSeqNum(sessionId),
                journal.nextTargetSeqNum(sessionId) + 5, System.nanoTime());
            return;
        }
        final Direction direction = position % 5 == 2 ? Direction.INBOUND : Direction.OUTBOUND;
        final int seqNum = direction == Direction.OUTBOUND ?
            journal.nextSenderSeqNum(sessionId) : journal.nextTargetSeqNum(sessionId);
        final byte[] bytes = message(sessionId, direction, seqNum).getBytes(StandardCharsets.US_ASCII);
        buffer.putBytes(0, bytes);
        journal.appendMessage(sessionId, direction, seqNum, System.nanoTime(), 0, buffer, 0, bytes.length);
    }

    public static void main(final String[] args)
    {
        final JournalContext context = new JournalContext().dir(args[0]).persistence(Persistence.valueOf(args[1]));
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        try (Journal journal = Journal.open(context))
        {
            System.out.println("OPENED " + journal.lastPosition());
            System.out.flush();
            while (true)
            {
                step(journal, buffer);
                if (journal.lastPosition() % REPORT_EVERY == 0)
                {
                    System.out.println("APPENDED " + journal.lastPosition());
                    System.out.flush();
                }
            }
        }
    }
}
