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

import dev.tandem.fix.FixAcceptor;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.SessionConfig;
import dev.tandem.fix.dictionary.DataDictionary;
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
 * fresh journal and acceptor per scenario. Needs nothing outside the repository.
 * <p>
 * {@link #KNOWN_GAPS} lists the scenarios the engine does not pass yet, each with the reason. A known gap still runs
 * and must fail; when it passes, this test fails and asks for the entry to be removed, so the list stays true.
 */
class ScenarioTest
{
    private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(10);

    /** The QuickFIX/J dictionaries of each version, compiled once (quickfixj-messages-all is a test dependency). */
    private static final Map<String, DataDictionary> DICTIONARIES = Map.of(
        Scenarios.FIX42, DataDictionary.fromClasspath("FIX42.xml"),
        Scenarios.FIX44, DataDictionary.fromClasspath("FIX44.xml"),
        Scenarios.FIXT11, DataDictionary.fixt("FIXT11.xml", "FIX50SP2.xml"));

    /** What the echo application supports here: orders and their answers (02m sends an Advertisement, 35=7). */
    private static final String[] SUPPORTED_MSG_TYPES = {"D", "F", "G", "8", "9"};

    /** Scenario ({@code version/name}) to the reason the engine does not pass it yet. */
    static final Map<String, String> KNOWN_GAPS = knownGaps();

    private static Map<String, String> knownGaps()
    {
        final Map<String, String> gaps = new java.util.TreeMap<>();
        for (final String version : Scenarios.VERSIONS)
        {
            gaps.put(version + "/14b_RequiredHeaderFieldMissing.def",
                "a missing TargetCompID is treated as a CompID problem (373=9, Logout), not Required tag missing");
            gaps.put(version + "/14d_TagWithoutValue.def", "the decoder (FixDecoder.wrap) treats a field without a " +
                "value as garbled, so the message is ignored before validation could answer 373=4");
            gaps.put(version + "/02f_PossDupOrigSendingTimeTooHighInSequence.def",
                "OrigSendingTime > SendingTime is checked only for a MsgSeqNum below the expected one");
            gaps.put(version + "/02f_PossDupOrigSendingTimeTooHigh.def",
                "the Reject 373=10 leaves out RefTagID 122");
            gaps.put(version + "/02k_SendingTimeOutOfRange.def",
                "the Reject 373=10 leaves out RefTagID 52");
            gaps.put(version + "/11c_ResetNewSeqNoLess.def",
                "the Reject 373=5 for SequenceReset-Reset leaves out RefTagID 36 (to match the shared QuickFIX " +
                    "script 11c, which expects it absent)");
        }
        gaps.put(Scenarios.FIXT11 + "/01f_LogonWithoutDefaultApplVerID.def",
            "a FIXT.1.1 Logon without DefaultApplVerID (1137) is accepted");
        return gaps;
    }

    @TestFactory
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
                    .dataDictionary(DICTIONARIES.get(version))
                    .validation(new Validation().supportedMsgTypes(SUPPORTED_MSG_TYPES)))
                .journal(journal)
                .application(application)
                .agentName("scenario-" + script.name()))
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
