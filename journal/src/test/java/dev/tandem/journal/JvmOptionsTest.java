package dev.tandem.journal;

import dev.tandem.test.ChildJvm;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVM flags come from the argument files in this jar, and a JVM started without them fails Journal.open with one
 * line naming each missing flag, before anything is created on disk. Real child JVMs, started with and without them.
 */
class JvmOptionsTest
{
    private static final Duration CHILD_DEADLINE = Duration.ofSeconds(60);
    private static final String ADD_OPENS_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    private static final String SUN_MISC_EXPORT = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    private static final String ANALYTICS_OFF = "-Dchronicle.analytics.disable=true";

    private final Path dir = Tests.tempDir("jvm-options");
    private final List<ChildJvm> children = new ArrayList<>();

    @AfterEach
    void after()
    {
        children.forEach(ChildJvm::close);
        Tests.deleteRecursively(dir);
    }

    @Test
    void shouldReadOneFlagPerLineAndAddTheJava24FlagsOnlyFrom24()
    {
        final List<String> all = JvmOptions.read(JvmOptions.RESOURCE);
        assertTrue(all.contains(ADD_OPENS_LANG), all.toString());
        assertTrue(all.contains(ANALYTICS_OFF), all.toString());
        all.forEach(flag -> assertFalse(flag.contains(" ") || flag.contains("#"), flag));
        final List<String> java24 = JvmOptions.read(JvmOptions.RESOURCE_24);
        assertTrue(java24.contains("--sun-misc-unsafe-memory-access=allow"), java24.toString());
        final boolean from24 = Runtime.version().feature() >= JvmOptions.JAVA_24;
        assertEquals(from24, JvmOptions.forThisJvm().containsAll(java24), JvmOptions.forThisJvm().toString());
        assertTrue(JvmOptions.forThisJvm().containsAll(all));
    }

    @Test
    void shouldFindNothingMissingInTheBuildsOwnTestJvm()
    {
        assertEquals(List.of(), JvmOptions.missing(), "surefire starts this JVM with @jvm.options");
        JvmOptions.verify();
    }

    @Test
    void shouldFailWithOneLineNamingEveryMissingFlagBeforeCreatingAnything()
    {
        final Path journalDir = dir.resolve("never").resolve("journal");
        final ChildJvm child = start(List.of(), journalDir);

        assertEquals(2, child.awaitExit(CHILD_DEADLINE), String.join("\n", child.transcript()));
        final List<String> output = child.transcript();
        assertEquals(1, output.size(), "one line and nothing else (no Chronicle stack trace):\n" +
            String.join("\n", output));
        final String line = output.get(0);
        assertTrue(line.startsWith("TANDEM JVM FLAGS MISSING "), line);
        final List<String> expected = new ArrayList<>(JvmOptions.read(JvmOptions.RESOURCE));
        // jdk.unsupported exports sun.misc to everyone: that flag is in effect without being given
        assertTrue(expected.remove(SUN_MISC_EXPORT));
        assertEquals(JvmOptions.failureLine(expected), line);
        assertTrue(line.contains("./tandem jvm-options") && line.contains("@tandem.args"), line);
        assertFalse(Files.exists(journalDir.getParent()), "nothing created on disk, no lock file");
    }

    @Test
    void shouldNameOnlyTheFlagsThatAreMissing()
    {
        final List<String> flags = new ArrayList<>(JvmOptions.forThisJvm());
        assertTrue(flags.remove(ADD_OPENS_LANG));
        assertTrue(flags.remove(ANALYTICS_OFF));
        final Path journalDir = dir.resolve("journal");
        final ChildJvm child = start(flags, journalDir);

        assertEquals(2, child.awaitExit(CHILD_DEADLINE), String.join("\n", child.transcript()));
        assertEquals(List.of(JvmOptions.failureLine(List.of(ADD_OPENS_LANG, ANALYTICS_OFF))), child.transcript());
        assertFalse(Files.exists(journalDir));
    }

    @Test
    void shouldOpenTheJournalWithTheFlagsOfTheArgumentFile()
    {
        final Path journalDir = dir.resolve("journal");
        final ChildJvm child = start(JvmOptions.forThisJvm(), journalDir);

        child.awaitLine("OPENED 0", CHILD_DEADLINE);
        assertEquals(0, child.awaitExit(CHILD_DEADLINE));
        assertTrue(Files.isDirectory(journalDir));
    }

    private ChildJvm start(final List<String> flags, final Path journalDir)
    {
        final ChildJvm child = ChildJvm.startWithoutTandemFlags(
            "journal-" + children.size(), JvmFlagsChild.class, flags, journalDir.toString());
        children.add(child);
        return child;
    }
}
