package dev.tandem.fix.conformance;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.SessionConfig;
import dev.tandem.fix.dictionary.Validation;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.DefScript;
import dev.tandem.test.fix.DefScriptRunner;
import dev.tandem.test.fix.FieldPatterns;
import dev.tandem.test.fix.Scenarios;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the repository's own session acceptance scenarios ({@link Scenarios}: FIX 4.2, FIX 4.4, FIXT.1.1) against our
 * acceptor, one dynamic test per scenario, matched strictly: ISLD with TW, ResetOnLogon, the echo application, a
 * fresh journal and acceptor per scenario, validation on by default with the standard dictionary of the version
 * (QuickFIX/J's {@code FIX42.xml}, {@code FIX44.xml}, {@code FIXT11.xml} + {@code FIX50SP2.xml}, test classpath).
 * Needs nothing outside the repository.
 * <p>
 * {@link #KNOWN_GAPS} lists the scenarios the engine does not pass yet, each with the reason. A known gap still runs
 * and must fail; when it passes, this test fails and asks for the entry to be removed, so the list stays true.
 * <p>
 * The scenarios run side by side (up to the parallelism in {@code junit-platform.properties}): each has its own
 * journal, acceptor, thread and ephemeral port, and most of a scenario's time is spent waiting on its peer.
 */
class ScenarioTest
{
    private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(10);

    /** What the echo application supports here: orders and their answers (02m sends an Advertisement, 35=7). */
    private static final String[] SUPPORTED_MSG_TYPES = {"D", "F", "G", "8", "9"};

    /** Scenario ({@code version/name}) to the reason the engine does not pass it yet. */
    static final Map<String, String> KNOWN_GAPS = knownGaps();

    private static Map<String, String> knownGaps()
    {
        // Empty: every scenario passes. An entry is "version/name" to the reason, e.g.
        // gaps.put(Scenarios.FIX44 + "/14d_TagWithoutValue.def", "why it does not pass yet");
        return new java.util.TreeMap<>();
    }

    @TestFactory
    @Execution(ExecutionMode.CONCURRENT)
    Stream<DynamicNode> everyScenarioOfEveryVersion()
    {
        final FieldPatterns patterns = Scenarios.fieldPatterns();
        final List<DynamicNode> versions = new ArrayList<>();
        for (final String version : Scenarios.VERSIONS)
        {
            final List<DefScript> scripts = Scenarios.scripts(version);
            assertTrue(scripts.size() >= 50, version + ": expected every session test case, found " + scripts.size());
            versions.add(DynamicContainer.dynamicContainer(version, scripts.stream().map(script ->
                DynamicTest.dynamicTest(script.name(), () -> assertTimeoutPreemptively(SCENARIO_TIMEOUT,
                    () -> check(version, script, patterns))))));
        }
        return versions.stream();
    }

    @Test
    void everyKnownGapNamesAScenario()
    {
        for (final String gap : KNOWN_GAPS.keySet())
        {
            final String[] parts = gap.split("/", 2);
            Scenarios.script(parts[0], parts[1]);
        }
    }

    private static void check(final String version, final DefScript script, final FieldPatterns patterns)
    {
        final String gap = KNOWN_GAPS.get(version + "/" + script.name());
        if (gap == null)
        {
            run(version, script, patterns);
            return;
        }
        final AssertionError failure = assertThrows(AssertionError.class, () -> run(version, script, patterns),
            () -> version + "/" + script.name() + " passes now: remove it from ScenarioTest.KNOWN_GAPS (" + gap + ")");
        System.out.println("KNOWN GAP " + version + "/" + script.name() + ": " + gap + "\n  " +
            failure.getMessage().lines().findFirst().orElse(""));
    }

    static void run(final String version, final DefScript script, final FieldPatterns patterns)
    {
        final Path dir = Tests.tempDir("scenario");
        final EchoApplication application = new EchoApplication();
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            FixAcceptor acceptor = FixAcceptor.create(new FixContext()
                .bindAddress("127.0.0.1").port(0)
                .addSession(new SessionConfig().beginString(beginString(version)).senderCompId("ISLD")
                    .targetCompId("TW").heartbeatIntervalSec(30).resetOnLogon(true)
                    .validation(new Validation().supportedMsgTypes(SUPPORTED_MSG_TYPES)))
                .journal(journal)
                .application(application)
                .agentName("scenario-" + version + "-" + script.name()))
                .start())
        {
            try
            {
                new DefScriptRunner(new DefScriptRunner.Context()
                    .address(new InetSocketAddress("127.0.0.1", acceptor.boundPort()))
                    .patterns(patterns)
                    .receiveTimeout(RECEIVE_TIMEOUT)
                    .disconnectTimeout(RECEIVE_TIMEOUT))
                    .run(script);
            }
            catch (final AssertionError ex)
            {
                throw new AssertionError(version + "/" + ex.getMessage() + "\n  echo application: echoed " +
                    application.echoed() + ", refused " + application.refusals(), ex);
            }
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    private static String beginString(final String version)
    {
        switch (version)
        {
            case Scenarios.FIX42:
                return SessionConfig.FIX42;
            case Scenarios.FIX44:
                return SessionConfig.FIX44;
            case Scenarios.FIXT11:
                return SessionConfig.FIXT11;
            default:
                fail("unknown version " + version);
                return null;
        }
    }
}
