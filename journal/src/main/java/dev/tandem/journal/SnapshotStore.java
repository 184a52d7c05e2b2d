package dev.tandem.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * Local-only state snapshots, one file per roll: every session's next seq nums as of a journal position. They let
 * retention delete old cycle files while recovery still starts from a complete state; they are never replicated
 * and never change positions or entries. Files live in {@code DIR/snapshots/state-POSITION.snap} and are written
 * to a temporary file, forced to disk, then renamed into place, so a crash leaves either none or a whole one.
 * <p>
 * Layout (little-endian): magic long, version int, position long, session count int, then per session
 * {sessionId long, nextSenderSeqNum int, nextTargetSeqNum int}, then CRC32C int of everything before it.
 * <p>
 * Not thread safe: used by the journal's owner thread.
 */
final class SnapshotStore
{
    static final String DIR_NAME = "snapshots";
    private static final long MAGIC = 0x54414e44454d534eL;
    private static final int VERSION = 1;
    private static final String PREFIX = "state-";
    private static final String SUFFIX = ".snap";

    private final Path dir;

    SnapshotStore(final Path journalDir)
    {
        this.dir = journalDir.resolve(DIR_NAME);
    }

    Path file(final long position)
    {
        return dir.resolve(PREFIX + String.format("%020d", position) + SUFFIX);
    }

    boolean exists(final long position)
    {
        return Files.exists(file(position));
    }

    void write(final long position, final Long2ObjectHashMap<SessionState> sessions)
    {
        final int size = 8 + 4 + 8 + 4 + sessions.size() * 16 + 4;
        final ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(MAGIC).putInt(VERSION).putLong(position).putInt(sessions.size());
        for (final SessionState state : sessions.values())
        {
            buffer.putLong(state.sessionId).putInt(state.nextSenderSeqNum).putInt(state.nextTargetSeqNum);
        }
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, buffer.position());
        buffer.putInt((int)crc.getValue());
        buffer.flip();

        final Path target = file(position);
        final Path temp = dir.resolve(target.getFileName() + ".tmp");
        try
        {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(
                temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                while (buffer.hasRemaining())
                {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot write state snapshot " + target + ": " + ex, ex);
        }
    }

    /** Loads the snapshot taken at {@code position} into {@code sessions}, or fails saying why. */
    void read(final long position, final Long2ObjectHashMap<SessionState> sessions)
    {
        final Path file = file(position);
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot read state snapshot " + file + ": " + ex, ex);
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 28 || buffer.getLong(0) != MAGIC || buffer.getInt(8) != VERSION ||
            buffer.getLong(12) != position)
        {
            throw new JournalException("state snapshot " + file + " is not a version " + VERSION +
                " snapshot of position " + position);
        }
        final int count = buffer.getInt(20);
        if (count < 0 || bytes.length != 24 + count * 16 + 4)
        {
            throw new JournalException("state snapshot " + file + " is truncated or damaged");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int)crc.getValue() != buffer.getInt(bytes.length - 4))
        {
            throw new JournalException("state snapshot " + file + " fails its CRC32C check");
        }
        buffer.position(24);
        for (int i = 0; i < count; i++)
        {
            final long sessionId = buffer.getLong();
            final SessionState state = new SessionState(sessionId);
            state.nextSenderSeqNum = buffer.getInt();
            state.nextTargetSeqNum = buffer.getInt();
            sessions.put(sessionId, state);
        }
    }

    /** Deletes snapshots taken before {@code position}. */
    void deleteBefore(final long position)
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX))
        {
            for (final Path file : files)
            {
                final String name = file.getFileName().toString();
                final long filePosition = Long.parseLong(name.substring(PREFIX.length(), name.length() -
                    SUFFIX.length()));
                if (filePosition < position)
                {
                    Files.deleteIfExists(file);
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            throw new JournalException("cannot prune state snapshots in " + dir + ": " + ex, ex);
        }
    }
}
