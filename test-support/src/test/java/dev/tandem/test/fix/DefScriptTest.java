package dev.tandem.test.fix;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefScriptTest
{
    private static final Instant NOW = Instant.parse("2026-11-26T01:02:03.456Z");

    private static String render(final String template)
    {
        return new String(DefScriptRunner.render(template.replace('|', '\u0001'), NOW), StandardCharsets.ISO_8859_1)
            .replace('\u0001', '|');
    }

    @Test
    void shouldParseStepsWithConnectionNumbers()
    {
        final DefScript script = DefScript.parse("t.def", List.of(
            "# comment", "", "iCONNECT", "I8=FIX.4.4\u000135=0\u0001", "E8=FIX.4.4\u000135=0\u0001",
            "i2CONNECT", "I2,8=FIX.4.4\u000135=1\u0001", "E2,8=FIX.4.4\u000135=0\u0001", "e2DISCONNECT",
            "iDISCONNECT", "eDISCONNECT\r"));
        final List<DefScript.Step> steps = script.steps();
        assertEquals(9, steps.size());
        assertEquals(new DefScript.Connect(1, 3), steps.get(0));
        assertEquals(new DefScript.Send(1, 4, "8=FIX.4.4\u000135=0\u0001"), steps.get(1));
        assertInstanceOf(DefScript.Expect.class, steps.get(2));
        assertEquals(new DefScript.Connect(2, 6), steps.get(3));
        assertEquals(new DefScript.Send(2, 7, "8=FIX.4.4\u000135=1\u0001"), steps.get(4));
        assertEquals(2, steps.get(5).connection());
        assertEquals(new DefScript.ExpectDisconnect(2, 9), steps.get(6));
        assertEquals(new DefScript.Disconnect(1, 10), steps.get(7));
        assertEquals(new DefScript.ExpectDisconnect(1, 11), steps.get(8));
    }

    @Test
    void shouldRejectUnknownLinesNamingFileAndLine()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> DefScript.parse("bad.def", List.of("iCONNECT", "X8=FIX.4.4")));
        assertTrue(ex.getMessage().startsWith("bad.def:2:"), ex.getMessage());
    }

    @Test
    void shouldAddBodyLengthAndCheckSumAndSubstituteTimes()
    {
        final String rendered = render("8=FIX.4.4|35=0|34=2|52=<TIME>|122=<TIME-5>|112=<TIME+10>|");
        assertEquals("8=FIX.4.4|9=75|35=0|34=2|52=20261126-01:02:03|122=20261126-01:01:58|112=20261126-01:02:13|10=",
            rendered.substring(0, rendered.length() - 4));
        final FixMessage message = FixMessage.parse(DefScriptRunner.render(
            "8=FIX.4.4|35=0|34=2|52=<TIME>|".replace('|', '\u0001'), NOW));
        assertEquals(Integer.toString(message.actualBodyLength()), message.value(9));
        assertEquals(String.format("%03d", message.actualCheckSum()), message.value(10));
    }

    @Test
    void shouldKeepBodyLengthAndCheckSumThatTheScriptGives()
    {
        assertEquals("8=FIX.4.4|9=30|35=D|34=2|10=", render("8=FIX.4.4|9=30|35=D|34=2|").substring(0, 28));
        assertEquals("8=FIX.4.4|9=10|35=0|34=2|10=256|", render("8=FIX.4.4|35=0|34=2|10=256|"));
        assertEquals("8=FIX.4.4|9=52|35=0|4garbled9=TW|10=0|", render("8=FIX.4.4|9=52|35=0|4garbled9=TW|10=0|"));
    }

    @Test
    void shouldReadEveryScenarioOfEveryVersion()
    {
        for (final String version : Scenarios.VERSIONS)
        {
            final List<DefScript> scripts = Scenarios.scripts(version);
            assertTrue(scripts.size() >= 20, version + ": " + scripts);
            for (final DefScript script : scripts)
            {
                assertInstanceOf(DefScript.Connect.class, script.steps().get(0), version + "/" + script.name());
                final String beginString = switch (version)
                {
                    case Scenarios.FIX42 -> "8=FIX.4.2\u0001";
                    case Scenarios.FIX44 -> "8=FIX.4.4\u0001";
                    default -> "8=FIXT.1.1\u0001";
                };
                for (final DefScript.Step step : script.steps())
                {
                    if (step instanceof DefScript.Expect expect)
                    {
                        assertTrue(expect.text().startsWith(beginString), script.name() + ":" + step.line());
                    }
                }
            }
        }
        assertTrue(Scenarios.fieldPatterns().isPattern(52));
    }

    @Test
    void shouldRefuseTheSharedScriptsWithoutAnExplicitDirectory() throws Exception
    {
        final IllegalStateException none = assertThrows(IllegalStateException.class,
            () -> AcceptanceScripts.locate(null, "/repo"));
        assertTrue(none.getMessage().contains("-Dtandem.shared.dir="), none.getMessage());

        final java.nio.file.Path root = dev.tandem.test.Tests.tempDir("no-shared");
        try
        {
            final IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> AcceptanceScripts.locate("../shared", root.toString()));
            assertTrue(missing.getMessage().startsWith("FIX acceptance scripts not found: " +
                root.resolve("../shared/fix-acceptance").normalize()), missing.getMessage());

            java.nio.file.Files.createDirectories(root.resolve("repo"));
            java.nio.file.Files.createDirectories(root.resolve("shared/fix-acceptance"));
            assertEquals(root.resolve("shared/fix-acceptance").normalize(),
                AcceptanceScripts.locate("../shared", root.resolve("repo").toString()));
        }
        finally
        {
            dev.tandem.test.Tests.deleteRecursively(root);
        }
    }
}
