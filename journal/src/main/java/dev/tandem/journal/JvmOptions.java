package dev.tandem.journal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Tandem's JVM flags, read from the argument files this jar ships: {@value #RESOURCE} for every Java version and
 * {@value #RESOURCE_24} added on Java 24 and later. Those two files are the only list: the launcher
 * ({@code ./tandem jvm-options}), the build's test JVMs, the benchmarks and {@link #verify()} all read them.
 * <p>
 * {@link #verify()} runs before Chronicle is first touched (a new {@link JournalContext}, and {@link Journal#open}
 * again): a JVM started without a flag of
 * {@value #RESOURCE} fails with one line naming each missing flag, before anything is created on disk. Checked are
 * {@code --add-opens} and {@code --add-exports} to {@code ALL-UNNAMED} (through {@link Module#isOpen} and
 * {@link Module#isExported}, so it does not matter how they were given) and {@code -Dkey=value} (the property must
 * hold that value, so an application may also set it in code before opening a journal).
 * <p>
 * {@code java -cp tandem-journal.jar dev.tandem.journal.JvmOptions > tandem.args} writes the flags for the running
 * Java, one per line, for {@code java @tandem.args ...}.
 * <p>
 * Threading: any thread; the verdict is computed once per JVM.
 */
public final class JvmOptions
{
    /** The flags every Java version needs, a java argument file: one flag per line, {@code #} comments. */
    public static final String RESOURCE = "META-INF/tandem/jvm.options";

    /** The flags added on Java 24 and later (Java 17 refuses to start with one of them). */
    public static final String RESOURCE_24 = "META-INF/tandem/jvm-24.options";

    /** First Java feature release that knows {@code --sun-misc-unsafe-memory-access} and warns without it. */
    public static final int JAVA_24 = 24;

    /** What the one-line failure says after the flags, so a user knows where to get them. */
    static final String HOW_TO_ADD = "start java with Tandem's argument file: `./tandem jvm-options > tandem.args` " +
        "(or `java -cp tandem-journal.jar " + JvmOptions.class.getName() + " > tandem.args`), then " +
        "`java @tandem.args ...`; the list is " + RESOURCE + " in tandem-journal.jar";

    private static final String ALL_UNNAMED = "=ALL-UNNAMED";

    private static volatile boolean verified;

    private JvmOptions()
    {
    }

    /** Prints the flags for this Java version, one per line: the content of a java argument file. */
    public static void main(final String[] args)
    {
        for (final String flag : forThisJvm())
        {
            System.out.println(flag);
        }
    }

    /** The flags of {@value #RESOURCE}, plus those of {@value #RESOURCE_24} when this JVM is Java 24 or later. */
    public static List<String> forThisJvm()
    {
        final List<String> flags = new ArrayList<>(read(RESOURCE));
        if (Runtime.version().feature() >= JAVA_24)
        {
            flags.addAll(read(RESOURCE_24));
        }
        return Collections.unmodifiableList(flags);
    }

    /** The flags of {@value #RESOURCE} this JVM runs without, in file order; empty when all are in effect. */
    public static List<String> missing()
    {
        final List<String> missing = new ArrayList<>();
        final Module unnamed = JvmOptions.class.getClassLoader().getUnnamedModule();
        for (final String flag : read(RESOURCE))
        {
            if (!inEffect(flag, unnamed))
            {
                missing.add(flag);
            }
        }
        return missing;
    }

    /**
     * Fails with one line naming each missing flag and how to add them, when this JVM lacks a flag of
     * {@value #RESOURCE}.
     *
     * @throws JvmFlagsException naming the missing flags.
     */
    public static void verify()
    {
        if (verified)
        {
            return;
        }
        final List<String> missing = missing();
        if (!missing.isEmpty())
        {
            throw new JvmFlagsException(failureLine(missing));
        }
        verified = true;
    }

    static String failureLine(final List<String> missing)
    {
        return "TANDEM JVM FLAGS MISSING " + String.join(" ", missing) + " : " + HOW_TO_ADD;
    }

    static boolean inEffect(final String flag, final Module unnamed)
    {
        if (flag.startsWith("-D"))
        {
            final int equals = flag.indexOf('=');
            final String key = equals < 0 ? flag.substring(2) : flag.substring(2, equals);
            final String value = equals < 0 ? "" : flag.substring(equals + 1);
            return value.equals(System.getProperty(key));
        }
        final boolean opens = flag.startsWith("--add-opens=");
        final boolean exports = flag.startsWith("--add-exports=");
        if ((opens || exports) && flag.endsWith(ALL_UNNAMED))
        {
            final String target = flag.substring(flag.indexOf('=') + 1, flag.length() - ALL_UNNAMED.length());
            final int slash = target.indexOf('/');
            final Optional<Module> module = ModuleLayer.boot().findModule(target.substring(0, slash));
            final String pkg = target.substring(slash + 1);
            return module.isPresent() &&
                (opens ? module.get().isOpen(pkg, unnamed) : module.get().isExported(pkg, unnamed));
        }
        throw new IllegalStateException(RESOURCE + ": cannot check flag '" + flag +
            "' (expected --add-opens=M/P=ALL-UNNAMED, --add-exports=M/P=ALL-UNNAMED or -Dkey=value)");
    }

    /** The flags of one argument file this jar ships: its lines without comments and blanks. */
    static List<String> read(final String resource)
    {
        final List<String> flags = new ArrayList<>();
        try (InputStream in = JvmOptions.class.getClassLoader().getResourceAsStream(resource))
        {
            if (in == null)
            {
                throw new IllegalStateException(resource + " is missing from the classpath (tandem-journal.jar)");
            }
            final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null)
            {
                final int comment = line.indexOf('#');
                final String flag = (comment < 0 ? line : line.substring(0, comment)).trim();
                if (!flag.isEmpty())
                {
                    flags.add(flag);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return flags;
    }
}
