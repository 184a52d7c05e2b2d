package dev.tandem.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Notices that the journal directory of a running node was deleted or replaced under it. Chronicle keeps writing to
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
