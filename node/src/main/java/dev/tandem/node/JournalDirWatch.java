package dev.tandem.node;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Checks the journal directory at start-up ({@link #checkUsable}) and notices, while the node runs, that it was
 * deleted or replaced under it. Chronicle keeps writing to
 * its mapped files after their directory is unlinked, so without this a node would go on acknowledging entries that
 * no restart can read back.
 * <p>
 * It compares the directory's file key (device and inode) and the journal's lock file with what they were when the
 * journal was opened, at most once every {@link #CHECK_INTERVAL_NS}. Threading: the node's control agent only.
 */
final class JournalDirWatch
{
    /** A second is far shorter than any restart, and a stat a second costs nothing next to the duty cycle. */
    static final long CHECK_INTERVAL_NS = 1_000_000_000L;

    /** The file a journal holds its directory lock on (see the journal's README), present while it is open. */
    private static final String LOCK_FILE = "journal.lock";

    private final Path dir;
    private final Object fileKey;
    private long nextCheckNs;

    JournalDirWatch(final Path dir, final long nowNs)
    {
        this.dir = dir.toAbsolutePath().normalize();
        this.fileKey = fileKey(this.dir);
        this.nextCheckNs = nowNs + CHECK_INTERVAL_NS;
    }

    /**
     * The journal directory must be a directory this process can create, read and write; otherwise a config error
     * names it and says why, rather than a stack trace from deep inside the journal. A probe file is written and
     * removed, since permission bits say nothing for root on a read-only mount.
     */
    static void checkUsable(final String dirName)
    {
        final Path dir = Path.of(dirName).toAbsolutePath();
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new ConfigException("journal.dir: '" + dir + "' is a file, not a directory");
        }
        for (Path parent = dir.getParent(); parent != null; parent = parent.getParent())
        {
            if (Files.exists(parent))
            {
                if (!Files.isDirectory(parent))
                {
                    throw new ConfigException("journal.dir: '" + dir + "' cannot be created: '" + parent +
                        "' is a file, not a directory");
                }
                break;
            }
        }
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new ConfigException("journal.dir: '" + dir + "' cannot be created: " + ioReason(ex), ex);
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir))
        {
            throw new ConfigException("journal.dir: '" + dir + "' is not readable by this process");
        }
        try
        {
            Files.delete(Files.createTempFile(dir, ".tandem-write-probe", ".tmp"));
        }
        catch (final IOException ex)
        {
            throw new ConfigException("journal.dir: '" + dir + "' is not writable: " + ioReason(ex), ex);
        }
    }

    private static String ioReason(final IOException ex)
    {
        if (ex instanceof FileSystemException)
        {
            final String reason = ((FileSystemException)ex).getReason();
            return reason != null ? reason + " (" + ((FileSystemException)ex).getFile() + ")" :
                ex.getClass().getSimpleName() + " " + ((FileSystemException)ex).getFile();
        }
        return ex.toString();
    }

    /** @return null while the directory is the one opened, else what happened to it. */
    String check(final long nowNs)
    {
        if (nowNs - nextCheckNs < 0)
        {
            return null;
        }
        nextCheckNs = nowNs + CHECK_INTERVAL_NS;
        final Object now = fileKey(dir);
        if (now == null)
        {
            return "journal directory " + dir + " is gone (deleted or moved while the node was running)";
        }
        if (fileKey != null && !Objects.equals(fileKey, now))
        {
            return "journal directory " + dir + " was replaced while the node was running (it is another " +
                "directory now: " + now + ", opened as " + fileKey + ")";
        }
        if (!Files.exists(dir.resolve(LOCK_FILE), LinkOption.NOFOLLOW_LINKS))
        {
            return "journal directory " + dir + " lost its " + LOCK_FILE + " while the node was running (its " +
                "files were deleted)";
        }
        return null;
    }

    private static Object fileKey(final Path dir)
    {
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(dir, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isDirectory())
            {
                return null;
            }
            final Object key = attributes.fileKey();
            return key == null ? "" : key;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
