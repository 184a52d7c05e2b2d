package dev.tandem.journal;

/** A journal fault that names what was wrong and where: bad input, bad configuration, or damaged files. */
public class JournalException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public JournalException(final String message)
    {
        super(message);
    }

    public JournalException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
