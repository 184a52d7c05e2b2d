package dev.tandem.test.fix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the shared QuickFIX acceptance suite, {@code <shared>/fix-acceptance}, which is not part of this repository.
 * <p>
 * It is used only when asked for explicitly: {@code <shared>} is the system property {@code tandem.shared.dir}, which
 * the Maven profile {@code shared-scripts} passes to the tests tagged {@value #TAG} (and only those run then). A
 * relative value is resolved against the repository root ({@code tandem.repo.root}, set by that profile), so
 * {@code -Dtandem.shared.dir=../shared} means "beside the repository". Without the property, or when the directory is
 * missing, every method throws naming what it looked for: a test that needs the suite fails, it never passes by
 * running nothing. The repository's own scenarios ({@link Scenarios}) need none of this.
 * Stateless; safe to call from any thread.
 */
public final class AcceptanceScripts
{
    /** The system property naming the shared directory. */
    public static final String SHARED_DIR_PROPERTY = "tandem.shared.dir";
    /** The system property naming the repository root, against which a relative shared directory is resolved. */
    public static final String REPO_ROOT_PROPERTY = "tandem.repo.root";
    /** The JUnit tag of tests that run the shared scripts; excluded from a plain {@code mvn verify}. */
    public static final String TAG = "shared-scripts";

    private AcceptanceScripts()
    {
    }

    /**
     * @return the {@code fix-acceptance} directory.
     * @throws IllegalStateException when the property is not set or the directory is missing, saying which.
     */
    public static Path directory()
    {
        return locate(System.getProperty(SHARED_DIR_PROPERTY), System.getProperty(REPO_ROOT_PROPERTY));
    }

    /**
     * Finds the suite from an explicit shared directory; there is no fallback search.
     *
     * @param sharedDir the shared directory, or {@code null} when none was given.
     * @param repoRoot  what a relative {@code sharedDir} is resolved against, or {@code null} for the working directory.
     * @return the {@code fix-acceptance} directory.
     * @throws IllegalStateException when {@code sharedDir} is not given or has no {@code fix-acceptance} directory.
     */
    public static Path locate(final String sharedDir, final String repoRoot)
    {
        if (sharedDir == null || sharedDir.isBlank())
        {
            throw new IllegalStateException("the shared FIX acceptance scripts were asked for but no directory was " +
                "given: run with -D" + SHARED_DIR_PROPERTY + "=<dir holding fix-acceptance/> (e.g. ../shared)");
        }
        Path shared = Paths.get(sharedDir);
        if (!shared.isAbsolute() && repoRoot != null && !repoRoot.isBlank())
        {
            shared = Paths.get(repoRoot).resolve(shared);
        }
        final Path candidate = shared.resolve("fix-acceptance").toAbsolutePath().normalize();
        if (!Files.isDirectory(candidate))
        {
            throw new IllegalStateException("FIX acceptance scripts not found: " + candidate + " is not a directory " +
                "(from -D" + SHARED_DIR_PROPERTY + "=" + sharedDir + ")");
        }
        return candidate;
    }

    /** @return the pattern fields of the shared {@code fields.fmt}. */
    public static FieldPatterns fieldPatterns()
    {
        final Path file = directory().resolve("fields.fmt");
        if (!Files.isRegularFile(file))
        {
            throw new IllegalStateException("fields.fmt missing: " + file.toAbsolutePath());
        }
        return FieldPatterns.load(file);
    }

    /**
     * @param version the sub-directory, e.g. {@code fix44}.
     * @return every {@code .def} script in it, parsed, sorted by file name.
     * @throws IllegalStateException when the directory is missing or has no scripts.
     */
    public static List<DefScript> scripts(final String version)
    {
        final Path dir = directory().resolve(version);
        if (!Files.isDirectory(dir))
        {
            throw new IllegalStateException("no script directory " + dir.toAbsolutePath());
        }
        try (Stream<Path> files = Files.list(dir))
        {
            final List<DefScript> scripts = files
                .filter(p -> p.getFileName().toString().endsWith(".def"))
                .sorted()
                .map(DefScript::parse)
                .collect(Collectors.toList());
            if (scripts.isEmpty())
            {
                throw new IllegalStateException("no .def scripts in " + dir.toAbsolutePath());
            }
            return scripts;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
