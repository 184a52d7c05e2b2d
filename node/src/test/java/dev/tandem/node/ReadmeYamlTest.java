package dev.tandem.node;

import dev.tandem.failover.ConnectionStrategies;
import dev.tandem.failover.FailoverInitiatorConfig;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.SessionConfig;
import dev.tandem.fix.dictionary.Validation;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.config.YamlNode;
import dev.tandem.replication.AckStrategies;
import dev.tandem.replication.ReplicationSinkContext;
import dev.tandem.replication.ReplicationSourceContext;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@code ```yaml} block of every README.md in the repository is read by the reader it documents: a whole node
 * configuration ({@code !NodeConfig} or untagged) by {@link NodeConfig#fromYaml(String)} with full validation (the
 * README's secret and token paths swapped for real files), a {@code !FailoverInitiatorConfig} by its table, and a
 * block marked {@code <!-- yaml: X -->} on the line before as that part: {@code node fragment} (some top-level
 * sections, each read by its section's reader), {@code ReplicationSinkContext}, {@code ReplicationSourceContext},
 * {@code connectionStrategy}. Also:
 * node/README.md's key table lists exactly the keys the reader accepts.
 */
@Timeout(60)
class ReadmeYamlTest
{
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static List<Path> readmes() throws IOException
    {
        try (Stream<Path> files = Files.walk(ROOT))
        {
            return files.filter(path -> path.getFileName().toString().equals("README.md"))
                .filter(path -> !path.toString().contains("/target/") && !path.toString().contains("/."))
                .sorted().collect(Collectors.toList());
        }
    }

    /** The yaml blocks of one file, each with its marker (or "") and first line number. */
    private static List<String[]> blocks(final Path readme) throws IOException
    {
        final List<String> lines = Files.readAllLines(readme);
        final List<String[]> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
        {
            if (!lines.get(i).trim().equals("```yaml"))
            {
                continue;
            }
            String marker = "";
            for (int back = i - 1; back >= 0 && back >= i - 3; back--)
            {
                final String line = lines.get(back).trim();
                if (line.startsWith("<!-- yaml:") && line.endsWith("-->"))
                {
                    marker = line.substring("<!-- yaml:".length(), line.length() - "-->".length()).trim();
                    break;
                }
            }
            final StringBuilder text = new StringBuilder();
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).trim().equals("```"))
            {
                text.append(lines.get(end)).append('\n');
                end++;
            }
            blocks.add(new String[] {marker, text.toString(), String.valueOf(i + 1)});
            i = end;
        }
        return blocks;
    }

    @Test
    void shouldReadEveryYamlBlockOfEveryReadme() throws Exception
    {
        final Path dir = Tests.tempDir("readme-yaml");
        try
        {
            final Path secret = Tests.secretFile();
            final Path token = dir.resolve("admin.token");
            Files.writeString(token, "0123456789abcdef0123");
            final Map<String, Integer> perFile = new LinkedHashMap<>();
            for (final Path readme : readmes())
            {
                for (final String[] block : blocks(readme))
                {
                    final String where = ROOT.relativize(readme) + ":" + block[2] + " (" +
                        (block[0].isEmpty() ? "whole" : block[0]) + ")";
                    final String yaml = block[1].replace("/etc/tandem/secret", secret.toString())
                        .replace("/etc/tandem/admin.token", token.toString());
                    try
                    {
                        read(block[0], yaml);
                    }
                    catch (final RuntimeException ex)
                    {
                        fail(where + " is not valid: " + ex.getMessage(), ex);
                    }
                    perFile.merge(ROOT.relativize(readme).toString(), 1, Integer::sum);
                }
            }
            for (final String readme : List.of("README.md", "node/README.md", "journal/README.md",
                "replication/README.md", "failover-client/README.md"))
            {
                assertTrue(perFile.getOrDefault(readme, 0) > 0, readme + " has no yaml block read: " + perFile);
            }
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    private static void read(final String marker, final String yaml)
    {
        switch (marker)
        {
            case "":
                if (yaml.strip().startsWith("!FailoverInitiatorConfig"))
                {
                    FailoverInitiatorConfig.fromYaml(yaml);
                }
                else
                {
                    NodeConfig.fromYaml(yaml);
                }
                break;
            case "node fragment":
                NodeConfig.CONFIG.apply(YamlNode.parse(yaml), new NodeConfig());
                break;
            case "ReplicationSinkContext":
                ReplicationSinkContext.fromYaml(yaml);
                break;
            case "ReplicationSourceContext":
                ReplicationSourceContext.fromYaml(yaml);
                break;
            case "connectionStrategy":
                ConnectionStrategies.fromYaml(yaml.strip().substring("connectionStrategy:".length()));
                break;
            default:
                throw new IllegalArgumentException("unknown marker '" + marker + "'");
        }
    }

    @Test
    void shouldListInTheNodeReadmeExactlyTheKeysTheReaderAccepts() throws IOException
    {
        final Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("(top)", NodeConfig.CONFIG.keys());
        expected.put("journal", JournalContext.CONFIG.keys());
        expected.put("replication", ReplicationConfig.keys());
        expected.put("fix", FixConfig.keys());
        expected.put("fix.sessions[]", SessionConfig.CONFIG.keys());
        expected.put("fix.sessions[].validation", Validation.CONFIG.keys());
        expected.put("admin", AdminConfig.CONFIG.keys());
        for (final String tag : NodeConfig.ACTIVATION.tags())
        {
            expected.put("activation: !" + tag, NodeConfig.ACTIVATION.keys(tag));
        }
        for (final String tag : AckStrategies.TYPES.tags())
        {
            expected.put("ackStrategy: !" + tag, AckStrategies.TYPES.keys(tag));
        }

        final List<String> lines = Files.readAllLines(ROOT.resolve("node/README.md"));
        final int start = lines.indexOf("<!-- keys: start -->");
        final int end = lines.indexOf("<!-- keys: end -->");
        assertTrue(start >= 0 && end > start, "node/README.md has no key table between <!-- keys: start/end -->");
        final Map<String, List<String>> documented = new LinkedHashMap<>();
        for (final String line : lines.subList(start + 1, end))
        {
            if (!line.startsWith("| `"))
            {
                continue;
            }
            final String[] cells = line.split("\\|");
            final String section = cells[1].trim().replace("`", "");
            final String keys = cells[2].trim();
            documented.put(section, keys.equals("(none)") ? List.of() : Arrays.stream(keys.split(","))
                .map(key -> key.trim().replace("`", "")).collect(Collectors.toList()));
        }
        assertEquals(expected, documented);
        assertTrue(FixContext.CONFIG.keys().containsAll(FixConfig.NODE_SET), "the keys the node sets are FixContext's");
    }
}
