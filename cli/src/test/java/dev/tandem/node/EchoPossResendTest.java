package dev.tandem.node;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.SessionConfig;
import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import dev.tandem.test.fix.DefScript;
import dev.tandem.test.fix.DefScriptRunner;
import dev.tandem.test.fix.Scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The echo application's PossResend handling (FIX session test cases 19a and 19b, FIX 4.2 and 4.4), played by the
 * repository's own scenarios over real TCP against an acceptor running it, and the answered-ClOrdID window rebuilt
 * from a journal at activation.
 */
class EchoPossResendTest
{
    @Test
    void shouldNotAnswerAPossResendWhoseClOrdIdWasAnswered()
    {
        for (final String version : new String[]{Scenarios.FIX42, Scenarios.FIX44})
        {
            final EchoApplication echo = run(version, "19a_PossResendAlreadyAnswered.def");
            assertEquals(1, echo.echoed(), version);
            assertEquals(1, echo.duplicates(), version);
            assertEquals(1, run(version, "19b_PossResendNotSeen.def").echoed(), version);
        }
    }

    @Test
    void shouldRememberAnswersFoundInTheJournalAtActivation()
    {
        final Path dir = Tests.tempDir("echo-possresend");
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude()))
        {
            final UnsafeBuffer answer = new UnsafeBuffer(
                fix("8=FIX.4.4|35=D|34=2|49=ISLD|52=20261202-01:02:03|56=TW|11=OLD-1|55=INTC|"));
            journal.appendMessage(7, Direction.OUTBOUND, 2, 1, 0, answer, 0, answer.capacity());
            final EchoApplication echo = new EchoApplication();
            echo.onActivation(journal);
            final FixDecoder decoder = new FixDecoder();
            final UnsafeBuffer resent = new UnsafeBuffer(
                fix("8=FIX.4.4|35=D|34=2|49=TW|52=20261202-01:02:03|56=ISLD|97=Y|11=OLD-1|55=INTC|"));
            assertEquals(FixDecoder.OK, decoder.wrap(resent, 0, resent.capacity()));
            assertTrue(echo.hasAnswered(7, decoder), "the old primary's answer to OLD-1 is in the journal");
            assertFalse(echo.hasAnswered(8, decoder), "another session");
            final long hash = EchoApplication.clOrdIdHash(decoder);
            assertTrue(hash != 0);
            final EchoApplication.AnsweredIds ids = new EchoApplication.AnsweredIds(2);
            ids.add(hash);
            ids.add(hash + 1);
            ids.add(hash + 2);
            assertFalse(ids.contains(hash), "the oldest is evicted from a full window");
            assertTrue(ids.contains(hash + 2));
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    private static byte[] fix(final String text)
    {
        return DefScriptRunner.render(text.replace('|', '\u0001'), java.time.Instant.EPOCH);
    }

    private static EchoApplication run(final String version, final String name)
    {
        final DefScript script = Scenarios.script(version, name);
        final Path dir = Tests.tempDir("echo-possresend");
        final EchoApplication echo = new EchoApplication();
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString()).conclude());
            FixAcceptor acceptor = FixAcceptor.create(new FixContext()
                .bindAddress("127.0.0.1").port(0)
                .addSession(new SessionConfig().beginString(Scenarios.FIX42.equals(version) ?
                    SessionConfig.FIX42 : SessionConfig.FIX44).senderCompId("ISLD").targetCompId("TW")
                    .heartbeatIntervalSec(30).resetOnLogon(true))
                .journal(journal)
                .application(echo)
                .agentName("echo-" + name))
                .start())
        {
            new DefScriptRunner(new DefScriptRunner.Context()
                .address(new InetSocketAddress("127.0.0.1", acceptor.boundPort()))
                .patterns(Scenarios.fieldPatterns())
                .receiveTimeout(Duration.ofSeconds(10)).disconnectTimeout(Duration.ofSeconds(10)))
                .run(script);
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
        return echo;
    }
}
