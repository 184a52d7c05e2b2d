package dev.tandem.journal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Salvages a journal that {@link Journal#open} refuses as damaged: copies every intact entry, in position order up
 * to the first damaged one, into a new journal directory, keeping positions and bytes exactly (so replicas still
 * agree), with the state snapshot it needs. The damaged directory is only read. The operator then moves the new
 * directory into place.
 * <pre>
 *   java dev.tandem.journal.JournalRepair DAMAGED_DIR NEW_DIR
 * </pre>
 * Threading: a command-line tool; {@link #run} is safe to call from any one thread at a time.
 */
public final class JournalRepair
{
    private static final String USAGE = "usage: JournalRepair DAMAGED_DIR NEW_DIR";

    private JournalRepair()
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
     * Copies the intact entries.
     *
     * @return 0 when entries were salvaged (the report says where damage stopped the copy), 1 when nothing could be
     * salvaged or the target is unusable, 2 for bad arguments.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length != 2)
        {
            err.println(USAGE);
            return 2;
        }
        final Path source = Path.of(args[0]).toAbsolutePath();
        final Path target = Path.of(args[1]).toAbsolutePath();
        if (!Files.exists(source.resolve("metadata.cq4t")))
        {
            err.println("no journal in '" + source + "'");
            return 1;
        }
        if (Files.exists(target) && !isEmptyDirectory(target))
        {
            err.println("target '" + target + "' exists and is not empty: give a new directory");
            return 1;
        }

        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(source).readOnly(true).build();
            ExcerptTailer tailer = queue.createTailer())
        {
            final long version = queue.tableStoreGet(Journal.FORMAT_VERSION_KEY);
            if (version != EntryDescriptor.VERSION)
            {
                err.println("journal '" + source + "' has format version " + version + "; this tool reads version " +
                    EntryDescriptor.VERSION);
                return 1;
            }
            final EntryFlyweight entry = new EntryFlyweight();
            final EntryChecksum checksum = new EntryChecksum();
            Journal journal = null;
            long copied = 0;
            long first = 0;
            String stoppedBy = null;
            try
            {
                while (stoppedBy == null)
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
                            stoppedBy = "entry at Chronicle index 0x" + Long.toHexString(dc.index()) + ": " + problem;
                            break;
                        }
                        if (journal == null)
                        {
                            first = entry.position();
                            copySnapshot(source, target, first - 1);
                            journal = Journal.open(new JournalContext().dir(target.toString())
                                .maxMessageLengthBytes(JournalContext.MAX_MAX_MESSAGE_LENGTH_BYTES)
                                .rollCycle(queue.rollCycle().toString()));
                        }
                        else if (entry.position() != journal.lastPosition() + 1)
                        {
                            stoppedBy = "position " + entry.position() + " at Chronicle index 0x" +
                                Long.toHexString(dc.index()) + " does not follow " + journal.lastPosition();
                            break;
                        }
                        journal.appendReplicated(entry.rawBuffer(), entry.rawOffset(), entry.rawLength());
                        copied++;
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                stoppedBy = "unreadable data: " + ex;
            }
            finally
            {
                if (journal != null)
                {
                    journal.close();
                }
            }
            if (copied == 0)
            {
                err.println("nothing salvaged from '" + source + "'" + (stoppedBy == null ? "" : ": " + stoppedBy));
                return 1;
            }
            out.println("copied " + copied + " entries, positions " + first + ".." + (first + copied - 1) +
                ", into '" + target + "'");
            out.println(stoppedBy == null ? "no damage found" : "stopped at the first damaged entry: " + stoppedBy);
            return 0;
        }
        catch (final RuntimeException | IOException ex)
        {
            err.println("cannot repair journal '" + source + "': " + ex);
            return 1;
        }
    }

    private static void copySnapshot(final Path source, final Path target, final long position) throws IOException
    {
        if (position < 1)
        {
            return;
        }
        final Path from = new SnapshotStore(source).file(position);
        if (!Files.exists(from))
        {
            throw new JournalException("the journal starts at position " + (position + 1) +
                " but its state snapshot " + from + " is missing");
        }
        final Path to = new SnapshotStore(target).file(position);
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }

    private static boolean isEmptyDirectory(final Path dir)
    {
        try (var entries = Files.list(dir))
        {
            return entries.findAny().isEmpty();
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
