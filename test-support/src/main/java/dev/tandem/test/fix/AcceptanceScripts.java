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
 * Finds the shared FIX acceptance suite: {@code <shared>/fix-acceptance}, where {@code <shared>} is the system property
 * {@code tandem.shared.dir} (set by surefire to {@code ../shared} beside the repository root) or, without it,
 * {@code ../shared} relative to the working directory or its parent (a module directory sits one below the root). A missing suite is an error naming
 * every place looked at: tests that need it fail, they never skip silently.
 * Stateless; safe to call from any thread.
 */
public final class AcceptanceScripts
{
    /** The system property naming the shared directory. */
    public static final String SHARED_DIR_PROPERTY = "tandem.shared.dir";

    private AcceptanceScripts()
    {
    }

    /**
     * @return the {@code fix-acceptance} directory.
     * @throws IllegalStateException when it cannot be found, saying where it looked.
     */
    public static Path directory()
    {
        return locate(System.getProperty(SHARED_DIR_PROPERTY), Paths.get("").toAbsolutePath());
    }

    /**
     * Finds the suite from an explicit shared directory or, failing that, by looking for {@code ../shared} from
     * {@code searchFrom} and from its parent.
     *
     * @param property   the shared directory, or {@code null}.
     * @param searchFrom where the fallback search starts.
     * @return the {@code fix-acceptance} directory.
     * @throws IllegalStateException when it cannot be found, saying where it looked.
     */
    public static Path locate(final String property, final Path searchFrom)
    {
        final StringBuilder looked = new StringBuilder();
        if (property != null && !property.isBlank())
        {
            final Path candidate = Paths.get(property).resolve("fix-acceptance");
            if (Files.isDirectory(candidate))
            {
                return candidate.normalize();
            }
            looked.append("\n  ").append(candidate.toAbsolutePath().normalize()).append(" (from -D")
                .append(SHARED_DIR_PROPERTY).append('=').append(property).append(')');
        }
        // a module directory or the repository root: ../shared or ../../shared
        Path dir = searchFrom.toAbsolutePath().normalize();
        for (int up = 0; up < 2 && dir != null; up++)
        {
            final Path candidate = dir.resolve("../shared/fix-acceptance").normalize();
            if (Files.isDirectory(candidate))
            {
                return candidate;
            }
            looked.append("\n  ").append(candidate);
            dir = dir.getParent();
        }
        throw new IllegalStateException("FIX acceptance scripts not found; looked in:" + looked +
            "\n  set -D" + SHARED_DIR_PROPERTY + "=<dir holding fix-acceptance/>");
    }

    /** @return the pattern fields of {@code fields.fmt}. */
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
