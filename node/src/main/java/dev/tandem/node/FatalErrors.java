package dev.tandem.node;

import dev.tandem.journal.JournalException;

import java.io.IOException;

/**
 * Which throwables reaching an agent's error handler fail the node: an {@link Error} anywhere in the cause chain
 * (the JVM or the thread can no longer be trusted; a SIGBUS on a mapped journal file of a full disk surfaces as an
 * InternalError), and a {@link JournalException} caused by an I/O failure or an Error (the journal's storage failed).
 * A JournalException without such a cause is a refused input (a message too long, a position that does not follow
 * on): the caller reacts to it and the node goes on. Socket errors are handled by the agents themselves.
 * <p>
 * Threading: stateless, any thread.
 */
final class FatalErrors
{
    /** Bounds the walk down a cause chain, which may be cyclic. */
    private static final int MAX_CAUSE_DEPTH = 32;

    private FatalErrors()
    {
    }

    /** @return why {@code throwable} is fatal, or null if the agent may go on. */
    static String whyFatal(final Throwable throwable)
    {
        boolean journal = false;
        Throwable t = throwable;
        for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++, t = t.getCause())
        {
            if (t instanceof Error)
            {
                return t == throwable ? t.toString() : throwable + " (caused by " + t + ")";
            }
            if (t instanceof JournalException)
            {
                journal = true;
            }
            else if (journal && t instanceof IOException)
            {
                return "journal storage failed: " + throwable.getMessage();
            }
        }
        return null;
    }
}
