package dev.tandem.node;

/**
 * A configuration error found at start-up: the message reads {@code TANDEM CONFIG ERROR <key path>: <bad value> ...}
 * and says what would be valid.
 */
public final class ConfigException extends dev.tandem.journal.config.ConfigException
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message)
    {
        super(message);
    }

    public ConfigException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
