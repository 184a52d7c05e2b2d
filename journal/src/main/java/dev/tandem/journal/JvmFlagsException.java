package dev.tandem.journal;

/**
 * This JVM was started without flags Tandem needs ({@link JvmOptions#verify()}); the message is one line naming each
 * missing flag and how to add them.
 */
public final class JvmFlagsException extends JournalException
{
    private static final long serialVersionUID = 1L;

    public JvmFlagsException(final String message)
    {
        super(message);
    }
}
