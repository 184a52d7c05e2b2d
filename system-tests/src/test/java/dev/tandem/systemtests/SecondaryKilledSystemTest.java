package dev.tandem.systemtests;

import dev.tandem.node.demo.DemoCluster;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secondary is killed with SIGKILL under load: with WaitForever the primary holds every answer back (nothing
 * unreplicated reaches the counterparty), the secondary returns, catches up, and everything held goes out.
 */
class SecondaryKilledSystemTest
{
    private static final Pattern POSITION = Pattern.compile("tandem_journal_position\\{[^}]*} (\\d+)");
    private static final Pattern APPENDED = Pattern.compile("tandem_replication_appended_position\\{[^}]*} (\\d+)");

    @Test
    void shouldHoldAnswersWhileTheSecondaryIsAwayAndReleaseThemWhenItCatchesUp()
    {
        final DemoCluster.Options options = new DemoCluster.Options().ackStrategy("!WaitForever { }")
            .activation("!Manual { }")
            // heartbeats are held by WaitForever too: a long interval keeps the initiator from timing out meanwhile
            .heartbeatSec(30);
        try (Scenario scenario = new Scenario(options, 200))
        {
            scenario.startInitiator(Scenario.FAST_STRATEGY);
            scenario.awaitLogon(1, 0);
            scenario.awaitSent(100);

            scenario.cluster.secondary().kill();
            final long answersAtKill = scenario.flow.answers();
            final long sentAtKill = scenario.flow.sent();
            scenario.awaitSent(sentAtKill + 150);
            // orders still reach the primary and are journaled, but no answer leaves it without the secondary's ack
            assertTrue(scenario.flow.answers() <= answersAtKill + 20,
                "answers while the secondary was away: " + (scenario.flow.answers() - answersAtKill));

            scenario.cluster.startSecondary();
            scenario.flow.stopSending();
            scenario.awaitAllAnswered();
            assertEquals(0, scenario.flow.duplicates());
            assertEquals(0, scenario.flow.unanswered());
            assertEquals(1, scenario.flow.logons(), "the session stayed up on the primary throughout");

            Tests.await("secondary caught up with the primary's journal", Duration.ofSeconds(30), () ->
            {
                final long primary = value(POSITION,
                    DemoCluster.http("GET", scenario.cluster.primaryAdminPort(), "/metrics"));
                final long secondary = value(APPENDED,
                    DemoCluster.http("GET", scenario.cluster.secondaryAdminPort(), "/metrics"));
                return primary > 0 && primary == secondary;
            });
        }
    }

    static long value(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }
}
