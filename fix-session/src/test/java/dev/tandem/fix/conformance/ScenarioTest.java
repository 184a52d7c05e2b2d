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

    private static final String NO_DICTIONARY = "no data dictionary: the message goes to the application unchecked";

    /** Scenario ({@code version/name}) to the reason the engine does not pass it yet. */
    static final Map<String, String> KNOWN_GAPS = knownGaps();

    private static Map<String, String> knownGaps()
    {
        final Map<String, String> gaps = new java.util.TreeMap<>();
        for (final String version : Scenarios.VERSIONS)
        {
            gaps.put(version + "/02l_MsgTypeInvalid.def", NO_DICTIONARY + " (Reject 373=11)");
            gaps.put(version + "/02m_MsgTypeUnsupported.def", NO_DICTIONARY + " (BusinessMessageReject 380=3)");
            gaps.put(version + "/14a_TagNotDefined.def", NO_DICTIONARY + " (373=0)");
            gaps.put(version + "/14b_RequiredFieldMissing.def", NO_DICTIONARY + " (373=1)");
            gaps.put(version + "/14b_RequiredHeaderFieldMissing.def",
                "a missing TargetCompID is treated as a CompID problem (373=9, Logout), not Required tag missing");
            gaps.put(version + "/14c_TagNotDefinedForMsgType.def", NO_DICTIONARY + " (373=2)");
            gaps.put(version + "/14d_TagWithoutValue.def", NO_DICTIONARY + " (373=4)");
            gaps.put(version + "/14e_ValueOutsideEnumeration.def", NO_DICTIONARY + " (373=5)");
            gaps.put(version + "/14f_ValueWrongDataFormat.def", NO_DICTIONARY + " (373=6)");
            gaps.put(version + "/14g_HeaderFieldAfterBody.def", NO_DICTIONARY + " (373=14)");
            gaps.put(version + "/14h_RepeatedTag.def", NO_DICTIONARY + " (373=13)");
            gaps.put(version + "/14i_GroupCountMismatch.def", NO_DICTIONARY + " (373=16)");
            gaps.put(version + "/14j_GroupFieldsOutOfOrder.def", NO_DICTIONARY + " (373=15)");
            gaps.put(version + "/14k_PossDupResentInvalid.def", NO_DICTIONARY + " (373=1 on a PossDup resend)");
            gaps.put(version + "/18_RejectReversesRouting.def",
                NO_DICTIONARY + "; a Reject does not reverse OnBehalfOf/DeliverTo routing fields yet");
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
                    .targetCompId("TW").heartbeatIntervalSec(30).resetOnLogon(true))
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
