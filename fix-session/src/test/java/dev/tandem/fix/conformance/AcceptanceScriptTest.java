package dev.tandem.fix.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.SessionConfig;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.AcceptanceScripts;
import dev.tandem.test.fix.DefScript;
import dev.tandem.test.fix.DefScriptRunner;
import dev.tandem.test.fix.FieldPatterns;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every FIX 4.4 acceptance script of {@code ../shared/fix-acceptance/fix44} against our acceptor, one dynamic test
 * per script, matched strictly by the fair rules of {@link dev.tandem.test.fix.MessageMatcher}: ISLD with TW44 and TW,
 * ResetOnLogon, the echo application, a fresh journal and acceptor per script. The scripts are not part of the
 * repository: this test runs only with {@code -Dtandem.shared.dir=DIR} (Maven profile {@code shared-scripts}), and a
 * missing script directory then fails it; it never skips. The repository's own scenarios run in {@link ScenarioTest}.
 */
@Tag(AcceptanceScripts.TAG)
class AcceptanceScriptTest
{
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    @TestFactory
    Stream<DynamicTest> everyFix44ScriptPassesAgainstOurAcceptor()
    {
        final FieldPatterns patterns = AcceptanceScripts.fieldPatterns();
        final List<DefScript> scripts = AcceptanceScripts.scripts("fix44");
        assertTrue(scripts.size() >= 26, "expected the 26 FIX 4.4 scripts, found " + scripts.size());
        return scripts.stream().map(script -> DynamicTest.dynamicTest(script.name(), () ->
            assertTimeoutPreemptively(SCRIPT_TIMEOUT, () -> run(script, patterns))));
    }

    static void run(final DefScript script, final FieldPatterns patterns)
    {
        final Path dir = Tests.tempDir("conformance");
        final EchoApplication application = new EchoApplication();
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            FixAcceptor acceptor = FixAcceptor.create(new FixContext()
                .bindAddress("127.0.0.1").port(0)
                .addSession(session("TW44"))
                .addSession(session("TW"))
                .journal(journal)
                .application(application)
                .agentName("conformance-" + script.name()))
                .start())
        {
            try
            {
                new DefScriptRunner(new DefScriptRunner.Context()
                    .address(new java.net.InetSocketAddress("127.0.0.1", acceptor.boundPort()))
                    .patterns(patterns))
                    .run(script);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(ex.getMessage() + "\n  echo application: echoed " + application.echoed() +
                    ", refused " + application.refusals(), ex);
            }
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    private static SessionConfig session(final String targetCompId)
    {
        return new SessionConfig().beginString(SessionConfig.FIX44).senderCompId("ISLD").targetCompId(targetCompId)
            .heartbeatIntervalSec(30).resetOnLogon(true);
    }
}
