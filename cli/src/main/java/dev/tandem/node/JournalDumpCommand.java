package dev.tandem.node;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code journal dump DIR ...}: delegates to the journal module's {@code dev.tandem.journal.JournalDump} when it is
 * on the classpath, else prints every entry itself: position, type, session, direction, MsgSeqNum, flags and the
 * message with SOH shown as '|'.
 */
final class JournalDumpCommand
{
    private JournalDumpCommand()
    {
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws Exception
    {
        try
        {
            final Class<?> dump = Class.forName("dev.tandem.journal.JournalDump");
            final Method main = dump.getMethod("main", String[].class);
            main.invoke(null, (Object)args);
            return 0;
        }
        catch (final ClassNotFoundException ex)
        {
            return fallback(args, out, err);
        }
    }

    private static int fallback(final String[] args, final PrintStream out, final PrintStream err)
    {
        final Path dir = Path.of(args[0]);
        if (!Files.isDirectory(dir))
        {
            err.println("journal dump: '" + dir + "' is not a directory");
            return 2;
        }
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            JournalReader reader = journal.reader(1))
        {
            final StringBuilder line = new StringBuilder(256);
            while (reader.poll(entry -> print(entry, line, out), 1024) > 0)
            {
                // drain
            }
            out.println("# " + journal.lastPosition() + " entries");
        }
        return 0;
    }

    private static void print(final JournalEntry entry, final StringBuilder line, final PrintStream out)
    {
        line.setLength(0);
        line.append(entry.position()).append(' ');
        if (entry.type() == JournalEntry.TYPE_SEQUENCE)
        {
            line.append("SEQ session=").append(entry.sessionId()).append(" nextSender=")
                .append(entry.nextSenderSeqNum()).append(" nextTarget=").append(entry.nextTargetSeqNum());
        }
        else
        {
            line.append("MSG session=").append(entry.sessionId()).append(' ').append(entry.direction())
                .append(" seq=").append(entry.msgSeqNum()).append(" flags=").append(entry.flags()).append(' ');
            for (int i = 0; i < entry.messageLength(); i++)
            {
                final byte b = entry.messageBuffer().getByte(entry.messageOffset() + i);
                line.append(b == 1 ? '|' : (char)b);
            }
        }
        out.println(line);
    }
}
