package dev.tandem.test.fix;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner must be able to fail: a wrong expectation against a real QuickFIX/J acceptor gives a clear message with
 * the script line, what was expected, what was received, and the broken rule.
 */
class DefScriptRunnerTest
{
    private static final String SOH = "\u0001";

    private static String line(final String text)
    {
        return text.replace("|", SOH);
    }

    @Test
    void shouldFailWithExpectedAndReceivedWhenAMessageDiffers()
    {
        final DefScript script = DefScript.parse("wrong.def", List.of(
            "iCONNECT",
            line("I8=FIX.4.4|35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|"),
            line("E8=FIX.4.4|35=A|34=1|49=ISLD|52=00000000-00:00:00.000|56=TW44|98=0|108=31|")));
        final AssertionError error = runExpectingFailure(script);
        final String message = error.getMessage();
        assertTrue(message.startsWith("wrong.def:3 (Expect on connection 1): expected 8=FIX.4.4|35=A"), message);
        assertTrue(message.contains("received 8=FIX.4.4|9="), message);
        assertTrue(message.contains("108=30, expected 108=31"), message);
    }

    @Test
    void shouldFailWhenTheAcceptorDisconnectsInsteadOfAnswering()
    {
        final DefScript script = DefScript.parse("closed.def", List.of(
            "iCONNECT",
            line("I8=FIX.4.4|35=A|34=1|49=NOBODY|52=<TIME>|56=ISLD|98=0|108=30|"),
            line("E8=FIX.4.4|35=A|34=1|49=ISLD|52=00000000-00:00:00.000|56=NOBODY|98=0|108=30|")));
        final AssertionError error = runExpectingFailure(script);
        assertTrue(error.getMessage().contains("but the acceptor closed the connection"), error.getMessage());
    }

    @Test
    void shouldFailWhenTheAcceptorStaysConnected()
    {
        final DefScript script = DefScript.parse("open.def", List.of(
            "iCONNECT",
            line("I8=FIX.4.4|35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|"),
            line("E8=FIX.4.4|35=A|34=1|49=ISLD|52=00000000-00:00:00.000|56=TW44|98=0|108=30|"),
            "eDISCONNECT"));
        final AssertionError error = runExpectingFailure(script);
        assertTrue(error.getMessage().contains("open.def:4 (ExpectDisconnect on connection 1): expected the " +
            "acceptor to disconnect: peer did not disconnect within 1000 ms"), error.getMessage());
    }

    @Test
    void shouldRunTwoConnectionsInOneScript()
    {
        final DefScript script = DefScript.parse("two.def", List.of(
            "i1CONNECT",
            line("I1,8=FIX.4.4|35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|"),
            line("E1,8=FIX.4.4|35=A|34=1|49=ISLD|52=00000000-00:00:00.000|56=TW44|98=0|108=30|"),
            "i2CONNECT",
            line("I2,8=FIX.4.4|35=A|34=1|49=TW|52=<TIME>|56=ISLD|98=0|108=30|"),
            line("E2,8=FIX.4.4|35=A|34=1|49=ISLD|52=00000000-00:00:00.000|56=TW|98=0|108=30|"),
            line("I2,8=FIX.4.4|35=5|34=2|49=TW|52=<TIME>|56=ISLD|"),
            line("E2,8=FIX.4.4|35=5|34=2|49=ISLD|52=00000000-00:00:00.000|56=TW|"),
            "e2DISCONNECT",
            line("I1,8=FIX.4.4|35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=X|"),
            line("E1,8=FIX.4.4|35=0|34=2|49=ISLD|52=00000000-00:00:00.000|56=TW44|112=X|"),
            "i1DISCONNECT"));
        try (QuickFixJAcceptor acceptor = start())
        {
            final DefScriptRunner.Report report = new DefScriptRunner(context(acceptor)).run(script);
            assertEquals(4, report.sent());
            assertEquals(4, report.matched());
        }
    }

    private static AssertionError runExpectingFailure(final DefScript script)
    {
        try (QuickFixJAcceptor acceptor = start())
        {
            return assertThrows(AssertionError.class, () -> new DefScriptRunner(context(acceptor)).run(script));
        }
    }

    private static DefScriptRunner.Context context(final QuickFixJAcceptor acceptor)
    {
        return new DefScriptRunner.Context().address(acceptor.address()).patterns(Scenarios.fieldPatterns())
            .receiveTimeout(Duration.ofSeconds(5)).disconnectTimeout(Duration.ofSeconds(1));
    }

    private static QuickFixJAcceptor start()
    {
        return QuickFixJAcceptor.start(new QuickFixJEchoApplication(), "ISLD", List.of("TW44", "TW"), null,
            Map.of("ResetOnLogon", "Y"));
    }
}
