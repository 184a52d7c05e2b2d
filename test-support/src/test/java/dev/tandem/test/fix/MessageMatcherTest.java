package dev.tandem.test.fix;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageMatcherTest
{
    private static final FieldPatterns PATTERNS = FieldPatterns.parse("test", List.of(
        "10=\\d{3}",
        "52=\\d{8}-\\d{2}:\\d{2}:\\d{2}|\\d{8}-\\d{2}:\\d{2}:\\d{2}[.]\\d{3}",
        "122=\\d{8}-\\d{2}:\\d{2}:\\d{2}"));
    private final MessageMatcher matcher = new MessageMatcher(PATTERNS);

    private static List<FixField> expected(final String text)
    {
        return FixMessage.parse(text.replace('|', '\u0001').getBytes(StandardCharsets.ISO_8859_1)).fields();
    }

    /** A well-formed message: BodyLength and CheckSum computed by the renderer. */
    private static FixMessage received(final String withoutLengthAndChecksum)
    {
        return FixMessage.parse(DefScriptRunner.render(withoutLengthAndChecksum.replace('|', '\u0001'), Instant.EPOCH));
    }

    private static FixMessage raw(final String text)
    {
        return FixMessage.parse(text.replace('|', '\u0001').getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void shouldMatchWithOtherHeaderOrderAndAnyTimestampPrecision()
    {
        final List<String> problems = matcher.mismatches(
            expected("8=FIX.4.4|9=60|35=2|34=2|49=ISLD|52=00000000-00:00:00.000|56=TW44|7=1|16=0|10=0|"),
            received("8=FIX.4.4|35=2|49=ISLD|56=TW44|34=2|52=20260101-10:11:12.123456789|7=1|16=0|"));
        assertEquals(List.of(), problems);
    }

    @Test
    void shouldIgnoreExpectedBodyLengthAndCheckSumValuesButCheckReceivedOnes()
    {
        final FixMessage good = received("8=FIX.4.4|35=0|34=2|49=ISLD|52=20260101-10:11:12|56=TW44|");
        assertEquals(List.of(), matcher.mismatches(
            expected("8=FIX.4.4|9=1|35=0|34=2|49=ISLD|52=x|56=TW44|10=999|"), good));

        final String text = good.toString();
        final FixMessage badLength = raw(text.replaceFirst("\\|9=\\d+\\|", "|9=7|"));
        assertTrue(matcher.mismatches(expected("8=FIX.4.4|35=0|34=2|49=ISLD|52=x|56=TW44|"), badLength).stream()
            .anyMatch(p -> p.startsWith("BodyLength 9=7 but the body has")), "wrong BodyLength is caught");

        final String checkSum = good.value(10);
        final String otherCheckSum = String.format("%03d", (Integer.parseInt(checkSum) + 1) % 256);
        final FixMessage badCheckSum = raw(text.replace("|10=" + checkSum + "|", "|10=" + otherCheckSum + "|"));
        assertTrue(matcher.mismatches(expected("8=FIX.4.4|35=0|34=2|49=ISLD|52=x|56=TW44|"), badCheckSum).stream()
            .anyMatch(p -> p.startsWith("CheckSum 10=" + otherCheckSum)), "wrong CheckSum is caught");
    }

    @Test
    void shouldRequireLeadingBeginStringBodyLengthMsgType()
    {
        final FixMessage misplaced = raw("8=FIX.4.4|34=2|9=5|35=0|10=000|");
        final List<String> problems = matcher.mismatches(expected("8=FIX.4.4|35=0|34=2|"), misplaced);
        assertTrue(problems.contains("field 2 is 34=2, expected tag 9"), problems.toString());
        assertTrue(problems.contains("field 3 is 9=5, expected tag 35"), problems.toString());
    }

    @Test
    void shouldReportMissingWrongDuplicateAndUnexpectedFields()
    {
        final List<String> problems = matcher.mismatches(
            expected("8=FIX.4.4|35=3|34=2|49=ISLD|56=TW44|45=0|373=5|"),
            received("8=FIX.4.4|35=3|34=3|49=ISLD|49=ISLD|56=TW44|371=36|373=5|"));
        assertTrue(problems.contains("missing 45=0"), problems.toString());
        assertTrue(problems.contains("34=3, expected 34=2"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("tag 49 present 2 times")), problems.toString());
        assertTrue(problems.contains("unexpected field 371=36"), problems.toString());
    }

    @Test
    void shouldToleratePermittedExtraFieldsOnly()
    {
        final MessageMatcher tolerant = new MessageMatcher(PATTERNS, Set.of(371));
        assertEquals(List.of(), tolerant.mismatches(expected("8=FIX.4.4|35=3|45=0|"),
            received("8=FIX.4.4|35=3|45=0|371=36|")));
        assertEquals(List.of("unexpected field 58=x"), tolerant.mismatches(expected("8=FIX.4.4|35=3|45=0|"),
            received("8=FIX.4.4|35=3|45=0|58=x|")));
    }

    @Test
    void shouldTreatTextAsFreeWordingButRequireIt()
    {
        assertEquals(List.of(), matcher.mismatches(expected("8=FIX.4.4|35=5|58=MsgSeqNum too low, expecting 5|"),
            received("8=FIX.4.4|35=5|58=Sequence number 2 below expected 5|")));
        assertEquals(List.of("missing 58=MsgSeqNum too low"), matcher.mismatches(
            expected("8=FIX.4.4|35=5|58=MsgSeqNum too low|"), received("8=FIX.4.4|35=5|")));
    }

    @Test
    void shouldMatchPatternFieldsByPatternNotByExpectedValue()
    {
        assertEquals(List.of(), matcher.mismatches(expected("8=FIX.4.4|35=4|52=20040227-19:56:48|122=0|"),
            received("8=FIX.4.4|35=4|52=20260101-00:00:01.001|122=20260101-00:00:00.999|")));
        assertEquals(List.of("122=2026-01-01 does not match pattern \\d{8}-\\d{2}:\\d{2}:\\d{2}"),
            matcher.mismatches(expected("8=FIX.4.4|35=4|122=0|"), received("8=FIX.4.4|35=4|122=2026-01-01|")));
    }
}
