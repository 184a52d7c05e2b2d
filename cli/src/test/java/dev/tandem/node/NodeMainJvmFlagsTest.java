package dev.tandem.node;

import dev.tandem.journal.JvmOptions;
import dev.tandem.test.ChildJvm;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node started as a user who forgot the JVM flags would start it (a child JVM without them): exit 2 with the one
 * line of {@link JvmOptions#verify()}, before the configuration is read and before the journal directory or its lock
 * file exist.
 */
class NodeMainJvmFlagsTest
{
    private final Path dir = Tests.tempDir("node-flags");
    private ChildJvm child;

    @AfterEach
    void after()
    {
        if (child != null)
        {
            child.close();
        }
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldExitWithOneLineNamingTheMissingFlagsAndCreateNothing() throws IOException
    {
        final Path journal = dir.resolve("journal");
        final Path config = Files.writeString(dir.resolve("node.yaml"), "!NodeConfig {\n" +
            "  role: PRIMARY, nodeId: 1,\n" +
            "  journal: { dir: \"" + journal + "\" },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] }\n" +
            "}\n");
        child = ChildJvm.startWithoutTandemFlags("node", NodeMain.class, List.of(), "node", "--config",
            config.toString());

        assertEquals(2, child.awaitExit(Duration.ofSeconds(60)), String.join("\n", child.transcript()));
        final List<String> output = child.transcript();
        assertEquals(1, output.size(), String.join("\n", output));
        assertTrue(output.get(0).startsWith("TANDEM JVM FLAGS MISSING --add-exports=java.base/jdk.internal.misc"),
            output.get(0));
        assertFalse(Files.exists(journal), "no journal directory, no lock file");
    }
}
