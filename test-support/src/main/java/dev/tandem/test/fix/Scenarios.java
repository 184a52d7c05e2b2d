package dev.tandem.test.fix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The repository's own FIX session acceptance scenarios, written for Tandem in the {@link DefScript} line format and
 * carried on the classpath of this module under {@value #ROOT}: {@code fields.fmt} (the pattern fields) and one
 * directory per FIX version ({@link #FIX42}, {@link #FIX44}, {@link #FIXT11}) of {@code .def} files named after the
 * session-layer test case they cover (e.g. {@code 2b_MsgSeqNumTooHigh.def}).
 * <p>
 * The acceptor they expect: SenderCompID {@code ISLD} and the counterparty {@code TW}, one session of the scenario's
 * version (FIXT.1.1 with DefaultApplVerID 9); HeartBtInt as the Logon asks; ResetOnLogon, so every scenario starts at
 * sequence number 1; an echo application (each application message back with the same MsgType
 * and body, a PossResend=Y message whose ClOrdID was already answered not answered again).
 * <p>
 * Reading from a directory (the module's build output) and from a jar (a dependent module's test classpath) give the
 * same result. A missing or empty scenario directory is an error. Stateless; safe to call from any thread.
 */
public final class Scenarios
{
    /** The classpath directory of the scenarios. */
    public static final String ROOT = "fix-scenarios";
    /** FIX 4.2 scenarios. */
    public static final String FIX42 = "fix42";
    /** FIX 4.4 scenarios. */
    public static final String FIX44 = "fix44";
    /** FIXT.1.1 with FIX 5.0 SP2 application messages. */
    public static final String FIXT11 = "fixt11";
    /** Every version directory. */
    public static final List<String> VERSIONS = List.of(FIX42, FIX44, FIXT11);

    private Scenarios()
    {
    }

    /** @return the pattern fields of the scenarios' {@code fields.fmt}. */
    public static FieldPatterns fieldPatterns()
    {
        return withRoot(root -> FieldPatterns.load(root.resolve("fields.fmt")));
    }

    /**
     * @param version one of {@link #VERSIONS}.
     * @return every scenario of that version, parsed, sorted by file name.
     * @throws IllegalStateException when the version has no scenarios.
     */
    public static List<DefScript> scripts(final String version)
    {
        return withRoot(root ->
        {
            final Path dir = root.resolve(version);
            if (!Files.isDirectory(dir))
            {
                throw new IllegalStateException("no scenario directory " + ROOT + "/" + version + " on the classpath");
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
                    throw new IllegalStateException("no .def scenarios in " + ROOT + "/" + version);
                }
                return scripts;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        });
    }

    /**
     * @param version one of {@link #VERSIONS}.
     * @param name    the file name, e.g. {@code 2b_MsgSeqNumTooHigh.def}.
     * @return that scenario.
     * @throws IllegalArgumentException when there is no such scenario.
     */
    public static DefScript script(final String version, final String name)
    {
        return scripts(version).stream().filter(s -> s.name().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no scenario " + ROOT + "/" + version + "/" + name));
    }

    private static synchronized <T> T withRoot(final Function<Path, T> action)
    {
        final URL marker = Scenarios.class.getClassLoader().getResource(ROOT + "/fields.fmt");
        if (marker == null)
        {
            throw new IllegalStateException(ROOT + "/fields.fmt is not on the classpath");
        }
        try
        {
            final URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme()))
            {
                FileSystem fs;
                boolean opened = false;
                try
                {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                    opened = true;
                }
                catch (final FileSystemAlreadyExistsException ex)
                {
                    fs = FileSystems.getFileSystem(uri);
                }
                try
                {
                    return action.apply(fs.getPath("/" + ROOT));
                }
                finally
                {
                    if (opened)
                    {
                        fs.close();
                    }
                }
            }
            return action.apply(Path.of(uri).getParent());
        }
        catch (final URISyntaxException | IOException ex)
        {
            throw new IllegalStateException("cannot read " + ROOT + " from " + marker, ex);
        }
    }
}
