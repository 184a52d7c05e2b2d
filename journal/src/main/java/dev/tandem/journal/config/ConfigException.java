package dev.tandem.journal.config;

/**
 * A configuration error: the message reads {@code TANDEM CONFIG ERROR <key path>: <bad value> ...} and says what
 * would be valid. An {@link IllegalArgumentException}, so code that checked a context's {@code conclude()} that way
 * keeps working.
 */
public class ConfigException extends IllegalArgumentException
{
    /** The start of every message, so a configuration error is found by one search in any log. */
    public static final String PREFIX = "TANDEM CONFIG ERROR ";

    private static final long serialVersionUID = 1L;

    /** @param message {@code <key path>: <bad value> ...}; the prefix is added unless it is there already. */
    public ConfigException(final String message)
    {
        super(prefixed(message));
    }

    /** @param message {@code <key path>: <bad value> ...}; the prefix is added unless it is there already. */
    public ConfigException(final String message, final Throwable cause)
    {
        super(prefixed(message), cause);
    }

    /** The message without {@link #PREFIX}: {@code <key path>: <bad value> ...}. */
    public String detail()
    {
        return getMessage().substring(PREFIX.length());
    }

    private static String prefixed(final String message)
    {
        return message != null && message.startsWith(PREFIX) ? message : PREFIX + message;
    }
}
