package dev.tandem.journal;

/**
 * STUB: configuration of a {@link Journal}, in code with fluent setters and in YAML through Chronicle Wire.
 * {@link #conclude()} fills defaults and validates, failing with the key, the value and what would be valid.
 */
public final class JournalContext
{
    private String dir;
    private Persistence persistence = Persistence.BUFFERED;
    private int maxMessageLengthBytes = 64 * 1024;

    public JournalContext dir(final String dir)
    {
        this.dir = dir;
        return this;
    }

    public String dir()
    {
        return dir;
    }

    public JournalContext persistence(final Persistence persistence)
    {
        this.persistence = persistence;
        return this;
    }

    public Persistence persistence()
    {
        return persistence;
    }

    public JournalContext maxMessageLengthBytes(final int maxMessageLengthBytes)
    {
        this.maxMessageLengthBytes = maxMessageLengthBytes;
        return this;
    }

    public int maxMessageLengthBytes()
    {
        return maxMessageLengthBytes;
    }

    public JournalContext conclude()
    {
        return this;
    }
}
