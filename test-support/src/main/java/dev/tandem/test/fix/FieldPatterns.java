package dev.tandem.test.fix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Fields whose expected values are matched by pattern rather than literally, as listed in the acceptance suite's
 * {@code fields.fmt} ({@code tag=regex} per line): CheckSum and the timestamps.
 * <p>
 * A value matches when the whole value matches the pattern. Because the precision of a timestamp is the engine's
 * choice, a value whose trailing fraction of a second ({@code .d} to {@code .ddddddddd}) is removed and then matches the
 * whole pattern matches too. Immutable; safe to share between threads.
 */
public final class FieldPatterns
{
    private static final Pattern FRACTION = Pattern.compile("[.]\\d{1,9}$");

    private final Map<Integer, Pattern> patterns;

    private FieldPatterns(final Map<Integer, Pattern> patterns)
    {
        this.patterns = patterns;
    }

    /**
     * Loads {@code fields.fmt}.
     *
     * @param file the file.
     * @return the patterns.
     * @throws IllegalArgumentException for a line that is not {@code tag=regex}, naming file and line.
     */
    public static FieldPatterns load(final Path file)
    {
        try
        {
            return parse(file.toString(), Files.readAllLines(file, StandardCharsets.US_ASCII));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read field patterns " + file.toAbsolutePath(), ex);
        }
    }

    /**
     * Parses {@code tag=regex} lines; blank lines and {@code #} comments are skipped.
     *
     * @param name  the source name for messages.
     * @param lines the lines.
     * @return the patterns.
     */
    public static FieldPatterns parse(final String name, final List<String> lines)
    {
        final Map<Integer, Pattern> patterns = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final int eq = line.indexOf('=');
            try
            {
                patterns.put(Integer.parseInt(line.substring(0, Math.max(0, eq))), Pattern.compile(line.substring(eq + 1)));
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": not 'tag=regex': " + line, ex);
            }
        }
        return new FieldPatterns(Collections.unmodifiableMap(patterns));
    }

    /** @return true when {@code tag} is matched by pattern. */
    public boolean isPattern(final int tag)
    {
        return patterns.containsKey(tag);
    }

    /** @return the pattern for {@code tag}, or {@code null}. */
    public Pattern pattern(final int tag)
    {
        return patterns.get(tag);
    }

    /**
     * @param tag   a tag for which {@link #isPattern(int)} holds.
     * @param value the received value.
     * @return true when the value matches the tag's pattern, allowing any sub-second precision.
     */
    public boolean matches(final int tag, final String value)
    {
        final Pattern pattern = patterns.get(tag);
        if (pattern == null)
        {
            throw new IllegalArgumentException("tag " + tag + " has no pattern");
        }
        return pattern.matcher(value).matches() || pattern.matcher(FRACTION.matcher(value).replaceFirst("")).matches();
    }

    @Override
    public String toString()
    {
        return patterns.toString();
    }
}
