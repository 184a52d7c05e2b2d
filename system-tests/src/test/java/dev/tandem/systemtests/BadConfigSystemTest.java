package dev.tandem.systemtests;

import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.NodeProcess;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node started on a bad configuration exits at once with code 2 and a line naming the problem. */
class BadConfigSystemTest
{
    private final Path dir = Tests.tempDir("badconfig");

    @AfterEach
    void after()
    {
        Tests.deleteRecursively(dir);
    }

    private String primary(final String replication, final String extra)
    {
        return "role: PRIMARY\n" +
            "journal: { dir: \"" + dir.resolve("journal") + "\" }\n" +
            "replication: " + replication + "\n" +
            "fix: { listen: \"127.0.0.1:0\", sessions: [ { senderCompId: ISLD, targetCompId: TW } ] }\n" +
            "admin: { listen: \"127.0.0.1:0\" }\n" + extra;
    }

    private String secretFile()
    {
        final Path secret = dir.resolve("secret");
        write(secret, "0123456789abcdef0123456789abcdef");
        return secret.toString();
    }

    private String failure(final String name, final String yaml)
    {
        final Path config = dir.resolve(name + ".yaml");
        write(config, yaml);
        try (NodeProcess node = NodeProcess.start(name, config, List.of(), null))
        {
            assertEquals(2, node.awaitExit(30_000), String.join("\n", node.transcript()));
            return node.transcript().stream().filter(line -> line.startsWith("TANDEM CONFIG ERROR"))
                .findFirst().orElseThrow(() -> new AssertionError("no config error line in " + node.transcript()));
        }
    }

    @Test
    void shouldRefuseToStartNamingTheProblem()
    {
        final String replication = "{ listen: \"127.0.0.1:0\", secretFile: \"" + secretFile() + "\" }";

        final String unknownKey = failure("unknown-key", primary(replication, "activaton: !Manual { }\n"));
        assertTrue(unknownKey.contains("unknown key 'activaton'"), unknownKey);

        final String badAddress = failure("bad-address",
            primary(replication.replace("127.0.0.1:0", "127.0.0.1:70000"), ""));
        assertTrue(badAddress.contains("replication.listen") && badAddress.contains("70000"), badAddress);

        final String missingSecret = failure("missing-secret", primary("{ listen: \"127.0.0.1:0\" }", ""));
        assertTrue(missingSecret.contains("replication") && missingSecret.contains("secret"), missingSecret);
    }

    @Test
    void shouldRefuseAJournalDirectoryItCannotUseNamingIt() throws IOException
    {
        final String replication = "{ listen: \"127.0.0.1:0\", secretFile: \"" + secretFile() + "\" }";
        final String journal = dir.resolve("journal").toString();

        // a path under a regular file: the directory can never be created
        final Path file = dir.resolve("a-file");
        write(file, "not a directory");
        final String underFile = failure("under-file",
            primary(replication, "").replace(journal, file.resolve("journal").toString()));
        assertTrue(underFile.startsWith("TANDEM CONFIG ERROR journal.dir: ") &&
            underFile.contains(file.resolve("journal").toString()), underFile);

        // the journal dir is a regular file
        final String isFile = failure("is-file", primary(replication, "").replace(journal, file.toString()));
        assertTrue(isFile.startsWith("TANDEM CONFIG ERROR journal.dir: ") && isFile.contains(file.toString()) &&
            isFile.contains("not a directory"), isFile);

        // read-only: root ignores permission bits, so a real read-only mount, holding the directory and one file
        try (SmallFileSystem readOnly = SmallFileSystem.mount(dir.resolve("ro"), "size=1m"))
        {
            final Path existing = dir.resolve("ro").resolve("journal");
            Files.createDirectories(existing);
            write(existing.resolve("tandem-epoch"), "1\n");
            readOnly.remountReadOnly();

            final String readOnlyDir = failure("read-only", primary(replication, "")
                .replace(journal, existing.toString()));
            assertTrue(readOnlyDir.startsWith("TANDEM CONFIG ERROR journal.dir: ") &&
                readOnlyDir.contains(existing.toString()), readOnlyDir);

            final Path missing = dir.resolve("ro").resolve("new-journal");
            final String cannotCreate = failure("read-only-create", primary(replication, "")
                .replace(journal, missing.toString()));
            assertTrue(cannotCreate.startsWith("TANDEM CONFIG ERROR journal.dir: ") &&
                cannotCreate.contains(missing.toString()) && cannotCreate.contains("Read-only"), cannotCreate);
            System.out.println(String.join("\n", underFile, isFile, readOnlyDir, cannotCreate));
        }
    }

    @Test
    void shouldRefuseASecondPrimaryAtTheSameEpoch()
    {
        final Path firstDir = dir.resolve("first");
        final String secret = secretFile();
        write(dir.resolve("first.yaml"), primary("{ listen: \"127.0.0.1:0\", secretFile: \"" + secret + "\" }", "")
            .replace(dir.resolve("journal").toString(), firstDir.toString()));
        try (NodeProcess first = NodeProcess.start("first", dir.resolve("first.yaml"), List.of(), null))
        {
            final int firstAdmin = NodeProcess.adminPort(first.awaitEvent("TANDEM READY", 30_000));
            final String twoPrimaries = failure("second-primary",
                primary("{ listen: \"127.0.0.1:0\", secretFile: \"" + secret + "\" }",
                    "peerAdmin: \"127.0.0.1:" + firstAdmin + "\"\n"));
            assertTrue(twoPrimaries.contains("two nodes claim primary at epoch 1"), twoPrimaries);
            assertTrue(DemoCluster.http("GET", firstAdmin, "/health").startsWith("200"),
                "the first primary keeps serving");
        }
    }

    private static void write(final Path file, final String text)
    {
        try
        {
            Files.writeString(file, text);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
