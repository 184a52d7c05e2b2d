package dev.tandem.node;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.replication.ReplicationSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads and initialises, while a node is Warm, the classes its activation will need (the FIX acceptor's packages,
 * the replication source's, the node's own package and the few library classes an activation meets first), so the
 * first activation of a process does not spend its milliseconds in the class loader and verifier while counterparties
 * wait for their Logon. Measured on the build machine: a cold FIX acceptor takes 10-20 ms to create, most of it
 * loading classes.
 * <p>
 * What cannot be loaded ahead is a lambda or method reference: it is linked (a class spun at run time) where it
 * first runs, 0.3-1.8 ms each on the build machine. So the code an activation, a planned switchover or the old
 * primary's following runs uses named classes instead (anonymous or nested), which this preload loads.
 * <p>
 * It runs once per process, on a short-lived daemon thread of its own at the lowest priority, and only loads classes:
 * no object of Tandem's is created and no port or file is touched. Any class that cannot be loaded is skipped (it
 * will be loaded, or fail, where it is used, as without the preload).
 * <p>
 * Threading: {@link #startOnce()} from any thread.
 */
final class ActivationPreload
{
    private static final Logger LOG = LoggerFactory.getLogger(ActivationPreload.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private ActivationPreload()
    {
    }

    /** Starts the preload unless this process already did. */
    static void startOnce()
    {
        if (!STARTED.compareAndSet(false, true))
        {
            return;
        }
        final Thread thread = new Thread(() ->
        {
            final long startNs = System.nanoTime();
            final int loaded = load(FixAcceptor.class, true) + load(ReplicationSource.class, true) +
                load(Node.class, false) + loadLibraryClasses();
            LOG.debug("activation preload: {} classes in {} ms", loaded,
                (System.nanoTime() - startNs) / 1_000_000);
        }, "tandem-activation-preload");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    /**
     * Library classes an activation is the first to use in a Warm process (the FIX engine's task queue, the fencing
     * probe's idle strategy, the old primary's close helper); a name that is not there is skipped.
     */
    private static int loadLibraryClasses()
    {
        return loadAll(List.of("org.agrona.CloseHelper", "org.agrona.concurrent.ManyToOneConcurrentLinkedQueue",
            "org.agrona.concurrent.SleepingMillisIdleStrategy", "org.agrona.collections.LongArrayQueue",
            "org.agrona.concurrent.ringbuffer.RecordDescriptor"), ActivationPreload.class.getClassLoader());
    }

    /**
     * Loads and initialises every class of {@code anchor}'s package (and its sub-packages when asked) found where
     * {@code anchor} was loaded from (a jar or a class directory).
     *
     * @param subPackages false for the package alone: the node's package shares a name with the command line's, whose
     *                    demo classes an application's jar may hold beside it.
     * @return how many classes were loaded.
     */
    static int load(final Class<?> anchor, final boolean subPackages)
    {
        return loadAll(classNames(anchor, subPackages), anchor.getClassLoader());
    }

    /** Loads and initialises each named class; one that cannot be loaded is skipped. Returns how many loaded. */
    private static int loadAll(final List<String> names, final ClassLoader loader)
    {
        int loaded = 0;
        for (final String name : names)
        {
            try
            {
                Class.forName(name, true, loader);
                loaded++;
            }
            catch (final Throwable ex)
            {
                LOG.debug("activation preload: skipped {}: {}", name, ex.toString());
            }
        }
        return loaded;
    }

    /**
     * The class names in {@code anchor}'s package (and below, when asked), from its jar or class directory; empty if
     * unknown.
     */
    static List<String> classNames(final Class<?> anchor, final boolean subPackages)
    {
        final List<String> names = new ArrayList<>();
        final CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null)
        {
            return names;
        }
        final String packagePath = anchor.getPackageName().replace('.', '/') + "/";
        try
        {
            final Path location = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(location))
            {
                final Path root = location.resolve(packagePath);
                try (Stream<Path> files = Files.walk(root, subPackages ? Integer.MAX_VALUE : 1))
                {
                    files.filter(file -> file.getFileName().toString().endsWith(".class") &&
                        !file.getFileName().toString().contains("-"))
                        .forEach(file -> names.add(className(location.relativize(file).toString()
                            .replace(java.io.File.separatorChar, '/'))));
                }
            }
            else
            {
                try (JarFile jar = new JarFile(location.toFile()))
                {
                    final Enumeration<JarEntry> entries = jar.entries();
                    while (entries.hasMoreElements())
                    {
                        final String entry = entries.nextElement().getName();
                        if (entry.startsWith(packagePath) && entry.endsWith(".class") && !entry.contains("-") &&
                            (subPackages || entry.indexOf('/', packagePath.length()) < 0))
                        {
                            names.add(className(entry));
                        }
                    }
                }
            }
        }
        catch (final IOException | URISyntaxException | RuntimeException ex)
        {
            LOG.debug("activation preload: cannot list {}: {}", source.getLocation(), ex.toString());

        }
        return names;
    }

    private static String className(final String path)
    {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.');
    }
}
