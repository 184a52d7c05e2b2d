package dev.tandem.journal;

/**
 * Child JVM for {@link JvmOptionsTest}: opens a journal in {@code args[0]}; prints {@code OPENED} on success, or the
 * exception's message alone and exits 2 when the JVM flags are missing.
 */
public final class JvmFlagsChild
{
    private JvmFlagsChild()
    {
    }

    public static void main(final String[] args)
    {
        try (Journal journal = Journal.open(new JournalContext().dir(args[0])))
        {
            System.out.println("OPENED " + journal.lastPosition());
        }
        catch (final JvmFlagsException ex)
        {
            System.out.println(ex.getMessage());
            System.exit(2);
        }
    }
}
