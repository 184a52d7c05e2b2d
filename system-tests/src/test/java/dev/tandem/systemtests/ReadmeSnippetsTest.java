package dev.tandem.systemtests;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's walk-through of the embedding example shows code copied from the example's sources: each Java
 * snippet of the section must appear, line for line (indentation aside), in one of them, so the README cannot drift
 * from code that compiles and that {@link OrderGatewaySystemTest} runs.
 */
class ReadmeSnippetsTest
{
    private static final Path ROOT = Path.of(System.getProperty("maven.multiModuleProjectDirectory",
        Path.of("..").toAbsolutePath().normalize().toString()));

    @Test
    @Timeout(30)
    void shouldFindEveryJavaSnippetOfTheEmbeddingWalkThroughInTheExampleSources() throws IOException
    {
        final String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        final int start = readme.indexOf("### An embedded order gateway, walked through");
        assertTrue(start >= 0, "the README has no walk-through of the example");
        final int end = readme.indexOf("\n## ", start);
        final List<String> snippets = javaBlocks(readme.substring(start, end < 0 ? readme.length() : end));
        assertTrue(snippets.size() >= 4, "java snippets found: " + snippets.size());

        final List<String> sources;
        try (Stream<Path> files = Files.walk(ROOT.resolve("examples/order-gateway/src/main/java")))
        {
            sources = files.filter((file) -> file.toString().endsWith(".java"))
                .map(ReadmeSnippetsTest::read).map(ReadmeSnippetsTest::normalise).collect(Collectors.toList());
        }
        assertTrue(!sources.isEmpty());
        for (final String snippet : snippets)
        {
            final String expected = normalise(snippet);
            assertTrue(sources.stream().anyMatch((source) -> source.contains(expected)),
                "README snippet not found verbatim in examples/order-gateway:\n" + snippet);
        }
    }

    private static List<String> javaBlocks(final String text)
    {
        final List<String> blocks = new ArrayList<>();
        int from = 0;
        while (true)
        {
            final int open = text.indexOf("```java\n", from);
            if (open < 0)
            {
                return blocks;
            }
            final int close = text.indexOf("```", open + 8);
            blocks.add(text.substring(open + 8, close));
            from = close + 3;
        }
    }

    private static String normalise(final String code)
    {
        return code.lines().map(String::strip).filter((line) -> !line.isEmpty())
            .collect(Collectors.joining("\n"));
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
