package dev.tandem.journal;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Prints a journal for a person, one line per entry, FIX messages with {@code |} for SOH:
 * <pre>
 *   java dev.tandem.journal.JournalDump DIR [--session ID] [--from SEQ] [--to SEQ]
 * </pre>
 * {@code --from}/{@code --to} bound the MsgSeqNum of messages (inclusive); sequence-number changes of the selected
 * sessions are always shown since they explain jumps. Opens the queue read-only and changes nothing; a damaged
 * entry is reported and ends the dump with exit code 1.
 * <p>
 * Threading: a command-line tool; {@link #run} is safe to call from any one thread at a time.
 */
public final class JournalDump
{
    private static final String USAGE = "usage: JournalDump DIR [--session ID] [--from SEQ] [--to SEQ]";

    private JournalDump()
    {
    }

    public static void main(final String[] args)
    {
        final int exitCode = run(args, System.out, System.err);
        System.out.flush();
        if (exitCode != 0)
        {
            System.exit(exitCode);
        }
    }

    /**
     * Runs the dump.
     *
     * @return 0 when every entry was printed, 1 for a missing or damaged journal, 2 for bad arguments.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        String dirName = null;
        long session = Long.MIN_VALUE;
        int from = 1;
        int to = Integer.MAX_VALUE;
        try
        {
            for (int i = 0; i < args.length; i++)
            {
                switch (args[i])
                {
                    case "--session":
                        session = Long.parseLong(args[++i]);
                        break;
                    case "--from":
                        from = Integer.parseInt(args[++i]);
                        break;
                    case "--to":
                        to = Integer.parseInt(args[++i]);
                        break;
                    default:
                        if (args[i].startsWith("--") || dirName != null)
                        {
                            err.println("unknown argument '" + args[i] + "'\n" + USAGE);
                            return 2;
                        }
                        dirName = args[i];
                }
            }
        }
        catch (final ArrayIndexOutOfBoundsException | NumberFormatException ex)
        {
            err.println("bad argument: " + ex.getMessage() + "\n" + USAGE);
            return 2;
        }
        if (dirName == null)
        {
            err.println(USAGE);
            return 2;
        }
        final Path dir = Path.of(dirName).toAbsolutePath();
        if (!Files.isDirectory(dir) || !Files.exists(dir.resolve("metadata.cq4t")))
        {
            err.println("no journal in '" + dir + "'");
            return 1;
        }

        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).readOnly(true).build();
            ExcerptTailer tailer = queue.createTailer())
        {
            final long version = queue.tableStoreGet(Journal.FORMAT_VERSION_KEY);
            if (version != EntryDescriptor.VERSION)
            {
                err.println("journal '" + dir + "' has format version " +
                    (version == Long.MIN_VALUE ? "(none)" : Long.toString(version)) + "; this tool reads version " +
                    EntryDescriptor.VERSION);
                return 1;
            }
            final EntryFlyweight entry = new EntryFlyweight();
            final EntryChecksum checksum = new EntryChecksum();
            final StringBuilder line = new StringBuilder(512);
            long printed = 0;
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    CycleFiles.wrapRead(dc, entry);
                    final String problem = entry.validate(checksum, JournalContext.MAX_MAX_MESSAGE_LENGTH_BYTES);
                    if (problem != null)
                    {
                        err.println("damaged entry at Chronicle index 0x" + Long.toHexString(dc.index()) + ": " +
                            problem);
                        return 1;
                    }
                    if (session != Long.MIN_VALUE && entry.sessionId() != session)
                    {
                        continue;
                    }
                    if (entry.type() == JournalEntry.TYPE_MESSAGE && (entry.msgSeqNum() < from || entry.msgSeqNum() > to))
                    {
                        continue;
                    }
                    line.setLength(0);
                    format(entry, line);
                    out.println(line);
                    printed++;
                }
            }
            err.println(printed + " entries");
            return 0;
        }
        catch (final RuntimeException ex)
        {
            err.println("cannot read journal '" + dir + "': " + ex);
            return 1;
        }
    }

    /** One readable line: position, time, session, then the message with | for SOH or the new seq nums. */
    static void format(final JournalEntry entry, final StringBuilder line)
    {
        final long timestampNs = entry.timestampNs();
        line.append('#').append(entry.position()).append(' ')
            .append(Instant.ofEpochSecond(Math.floorDiv(timestampNs, 1_000_000_000L),
                Math.floorMod(timestampNs, 1_000_000_000L)))
            .append(" session=").append(entry.sessionId());
        if (entry.type() == JournalEntry.TYPE_SEQUENCE)
        {
            line.append(" SEQUENCE nextSenderSeqNum=").append(entry.nextSenderSeqNum())
                .append(" nextTargetSeqNum=").append(entry.nextTargetSeqNum());
            return;
        }
        line.append(entry.direction() == Direction.OUTBOUND ? " OUT" : " IN")
            .append(" seq=").append(entry.msgSeqNum());
        if ((entry.flags() & JournalEntry.FLAG_ADMIN) != 0)
        {
            line.append(" admin");
        }
        if ((entry.flags() & JournalEntry.FLAG_POSS_DUP) != 0)
        {
            line.append(" possdup");
        }
        line.append(' ');
        final int offset = entry.messageOffset();
        for (int i = 0, n = entry.messageLength(); i < n; i++)
        {
            final byte b = entry.messageBuffer().getByte(offset + i);
            if (b == 1)
            {
                line.append('|');
            }
            else if (b >= 32 && b < 127)
            {
                line.append((char)b);
            }
            else
            {
                line.append("\\x").append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
        }
    }
}
