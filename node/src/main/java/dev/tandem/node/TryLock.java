package dev.tandem.node;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code !TryLock { file: /shared/tandem.lock }}: whoever holds an OS lock on a file both hosts can see is Hot. The
 * primary takes the lock at start-up and holds it while it lives; the operating system releases it when the process
 * dies, and the secondary, trying every duty cycle, wins it. Needs a shared disk whose locks work across hosts (NFSv4,
 * a SAN file system); it cannot split the brain while the lock service is sound, and fails over only as fast as the
 * lock is released.
 * <p>
 * Threading: the node's control thread only.
 */
public final class TryLock extends SelfDescribingMarshallable implements ActivationMode
{
    private String file;
    private transient FileChannel channel;
    private transient FileLock lock;
    private transient String reason = "";

    public TryLock()
    {
    }

    public TryLock(final String file)
    {
        this.file = file;
    }

    /** The lock file both nodes can see. */
    public String file()
    {
        return file;
    }

    /** Sets {@link #file()}; YAML key {@code file}. */
    public TryLock file(final String file)
    {
        this.file = file;
        return this;
    }

    @Override
    public String name()
    {
        return "TryLock";
    }

    @Override
    public void validate(final String key)
    {
        if (file == null || file.isBlank())
        {
            throw new ConfigException(key + ".file: missing, expected the path of a lock file both nodes can see");
        }
        final Path parent = Path.of(file).toAbsolutePath().getParent();
        if (parent == null || !parent.toFile().isDirectory())
        {
            throw new ConfigException(key + ".file: '" + file + "' is in a directory that does not exist");
        }
    }

    @Override
    public void onPrimaryStart()
    {
        if (!tryLock())
        {
            throw new ConfigException("activation.!TryLock.file: '" + file + "' is locked by another node; " +
                "a primary must hold the lock (is another node already Hot?)");
        }
    }

    @Override
    public boolean shouldActivate(final long nowMs, final long lastHeardMs)
    {
        if (tryLock())
        {
            reason = "won the lock on " + file;
            return true;
        }
        return false;
    }

    /** Whether this node holds the lock now. */
    public boolean isHeld()
    {
        return lock != null && lock.isValid();
    }

    private boolean tryLock()
    {
        if (isHeld())
        {
            return true;
        }
        try
        {
            if (channel == null)
            {
                channel = FileChannel.open(
                    Path.of(file), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            }
            lock = channel.tryLock();
            return lock != null;
        }
        catch (final OverlappingFileLockException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            reason = "cannot lock " + file + ": " + ex;
            return false;
        }
    }

    @Override
    public String reason()
    {
        return reason;
    }

    @Override
    public void close()
    {
        try
        {
            if (lock != null)
            {
                lock.release();
            }
            if (channel != null)
            {
                channel.close();
            }
        }
        catch (final IOException ignore)
        {
            // the process is going away; the OS drops the lock in any case
        }
        lock = null;
        channel = null;
    }
}
