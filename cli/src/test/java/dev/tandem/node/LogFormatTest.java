package dev.tandem.node;

import dev.tandem.node.demo.NodeProcess;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 15 item 10: a node started by its command line, in a JVM whose default time zone is not UTC, writes every log
 * line with a UTC timestamp.
 */
class LogFormatTest
{
    private static final Path SECRET = Tests.secretFile();

    private static final Pattern LEVEL = Pattern.compile(" (TRACE|DEBUG|INFO|WARN|ERROR) ");
    private static final Pattern UTC_LINE =
        Pattern.compile("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z \\[[^]]+] (TRACE|DEBUG|INFO|WARN|ERROR) .*");

    private final Path dir = Tests.tempDir("log-format");

    @AfterEach
    void tearDown()
    {
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldStampEveryLogLineWithUtcTime() throws IOException
    {
        final Path config = dir.resolve("primary.yaml");
        Files.writeString(config, "!NodeConfig {\n  role: PRIMARY, nodeId: 1,\n" +
            "  journal: { dir: \"" + dir.resolve("journal") + "\" },\n" +
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretFile: \"" + SECRET +
            "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] },\n" +
            "  admin: { listen: \"127.0.0.1:0\" }\n}\n");
        final List<String> lines;
        try (NodeProcess node = NodeProcess.start("primary", config,
            List.of("-Duser.timezone=America/New_York", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info"), null))
        {
            node.awaitEvent("TANDEM READY", 30_000);
            lines = node.transcript();
        }
        int logLines = 0;
        for (final String line : lines)
        {
            if (LEVEL.matcher(line).find() && !line.startsWith(" ") && !line.startsWith("TANDEM"))
            {
                logLines++;
                assertTrue(UTC_LINE.matcher(line).matches(), "not stamped in UTC: " + line);
            }
        }
        assertTrue(logLines >= 3, "log lines seen: " + logLines + " in " + lines);
    }
}
