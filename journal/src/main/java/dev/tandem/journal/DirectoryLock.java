package dev.tandem.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive OS file lock on {@code DIR/journal.lock}, held while a {@link Journal} is open, so that two journals
 * (in one process or two) never append to the same directory and collide on positions. The kernel drops the lock
 * when the holder dies, so a crash never leaves the directory locked.
 * <p>
 * Not thread safe: acquired and released by the journal's owner.
 */
final class DirectoryLock implements AutoCloseable
{
    static final String FILE_NAME = "journal.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    static DirectoryLock acquire(final Path dir)
    {
        final Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            FileLock lock = null;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ignore)
            {
                // held by this JVM
            }
            if (lock == null)
            {
                final String holder = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
                channel.close();
                throw new JournalException("journal dir '" + dir + "' is already open by " +
                    (holder.isEmpty() ? "another journal" : "process " + holder) +
                    ": only one journal may write a directory");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid())
                .getBytes(StandardCharsets.US_ASCII)), 0);
            return new DirectoryLock(channel, lock);
        }
        catch (final IOException ex)
        {
            if (channel != null)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException suppressed)
                {
                    ex.addSuppressed(suppressed);
                }
            }
            throw new JournalException("journal dir '" + dir + "': cannot lock " + file + ": " + ex, ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot release journal lock: " + ex, ex);
        }
    }
}
