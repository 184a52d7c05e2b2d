package dev.tandem.fix.dictionary;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.tandem.fix.SessionConfig;
import dev.tandem.fix.codec.FixDecoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Validation on by default: the standard dictionary of each BeginString from the classpath (QuickFIX/J's
 * quickfixj-messages-all on the test classpath), shared, and the errors when there is none; an empty value reaches
 * the validator.
 */
@Timeout(60)
class DefaultDictionaryTest
{
    private static SessionConfig session(final String beginString)
    {
        return new SessionConfig().beginString(beginString).senderCompId("ISLD").targetCompId("TW");
    }

    @Test
    void shouldLoadTheStandardDictionaryOfTheBeginStringOnce()
    {
        assertEquals("FIX42.xml", DataDictionary.standardResource("FIX.4.2", null));
        assertEquals("FIX40.xml", DataDictionary.standardResource("FIX.4.0", null));
        assertEquals("FIX43.xml", DataDictionary.standardResource("FIX.4.3", null));
        assertEquals("FIX50.xml", DataDictionary.standardResource("FIXT.1.1", "7"));
        assertEquals("FIX50SP1.xml", DataDictionary.standardResource("FIXT.1.1", "8"));
        assertEquals("FIX50SP2.xml", DataDictionary.standardResource("FIXT.1.1", "9"));
        for (final String beginString : new String[] {"FIX.4.0", "FIX.4.1", "FIX.4.2", "FIX.4.3", "FIX.4.4"})
        {
            assertEquals(beginString, DataDictionary.standard(beginString, null).beginString());
        }
        assertEquals("FIXT.1.1", DataDictionary.standard("FIXT.1.1", "8").beginString());

        final SessionConfig fix44 = session(SessionConfig.FIX44).conclude();
        assertSame(DataDictionary.standard("FIX.4.4", null), fix44.dataDictionary(), "compiled once, shared");
        assertSame(fix44.dataDictionary(), session(SessionConfig.FIX44).conclude().dataDictionary());
        assertEquals("FIX.4.2", session(SessionConfig.FIX42).conclude().dataDictionary().beginString());
        final SessionConfig fixt = session(SessionConfig.FIXT11).conclude();
        assertSame(DataDictionary.standard("FIXT.1.1", "9"), fixt.dataDictionary());
        assertTrue(fixt.dataDictionary().isMsgType("AE"), "FIX 5.0 SP2 application messages");
        assertTrue(fixt.dataDictionary().isField(1128), "ApplVerID from FIXT11.xml");
    }

    @Test
    void shouldReadMessagesWithoutApplVerIdByTheSessionsDefaultApplVerId()
    {
        final SessionConfig fix50 = session(SessionConfig.FIXT11).defaultApplVerId("7").conclude();
        assertSame(DataDictionary.standard("FIXT.1.1", "7"), fix50.dataDictionary());
        assertEquals(7, fix50.dataDictionary().defaultApplVerId);
        assertEquals(java.util.List.of(7, 8, 9), fix50.dataDictionary().applVerIds(), "preloaded at start-up");
        final String missing = assertThrows(IllegalArgumentException.class, () -> session(SessionConfig.FIXT11)
            .defaultApplVerId("8").dataDictionary(DataDictionary.fixt("FIXT11.xml", "FIX50SP2.xml")).conclude())
            .getMessage();
        assertTrue(missing.contains("defaultApplVerId=8") && missing.contains("[9]"), missing);

        // YAML: the transport dictionary, the default application one, then more to switch to
        final SessionConfig yaml = SessionConfig.CONFIG.fromYaml("{ beginString: FIXT.1.1, senderCompId: ISLD, " +
            "targetCompId: TW, defaultApplVerId: 9, dataDictionary: [ FIXT11.xml, FIX50SP2.xml, FIX50.xml ] }",
            new SessionConfig()).conclude();
        assertEquals(java.util.List.of(7, 9), yaml.dataDictionary().applVerIds());
        assertEquals(9, yaml.dataDictionary().defaultApplVerId);
    }

    @Test
    void shouldTakeNoDictionaryWhenValidationIsOffAndKeepOneSet()
    {
        assertNull(session(SessionConfig.FIX44).validation(new Validation().enabled(false)).conclude()
            .dataDictionary());
        final DataDictionary own = DataDictionary.fromClasspath("FIX44.xml");
        assertSame(own, session(SessionConfig.FIX44).dataDictionary(own).conclude().dataDictionary());
    }

    @Test
    void shouldNameWhatIsMissing()
    {
        final String noStandard = assertThrows(IllegalArgumentException.class,
            () -> session(SessionConfig.FIXT11).defaultApplVerId("6").conclude()).getMessage();
        assertTrue(noStandard.contains("dataDictionary") && noStandard.contains("defaultApplVerId=6"), noStandard);
        final String notOnClasspath = assertThrows(IllegalArgumentException.class,
            () -> DataDictionary.fromClasspath("FIX99.xml")).getMessage();
        assertTrue(notOnClasspath.contains("FIX99.xml") && notOnClasspath.contains("quickfixj-messages"),
            notOnClasspath);
        final String neither = assertThrows(IllegalArgumentException.class,
            () -> DataDictionary.load("no/such/dictionary.xml")).getMessage();
        assertTrue(neither.contains("no/such/dictionary.xml"), neither);
        assertThrows(IllegalArgumentException.class, () -> DataDictionary.standardResource("FIX.5.0", null));
    }

    @Test
    void shouldAnswerAnEmptyValueWithTagSpecifiedWithoutAValue()
    {
        final String inner = "35=D|34=2|49=TW|52=20261202-01:02:03.456|56=ISLD|11=ID1|21=1|38=100|40=1|54=1|55=|" +
            "60=20261202-01:02:03.456|";
        final String head = "8=FIX.4.4|9=" + inner.length() + "|";
        int sum = 0;
        for (final byte b : (head + inner).replace('|', '\u0001').getBytes(StandardCharsets.US_ASCII))
        {
            sum += b;
        }
        final byte[] bytes = (head + inner + String.format("10=%03d|", sum & 0xFF)).replace('|', '\u0001')
            .getBytes(StandardCharsets.US_ASCII);
        final FixDecoder decoder = new FixDecoder();
        assertEquals(FixDecoder.OK, decoder.wrap(new UnsafeBuffer(bytes), 0, bytes.length));
        final MessageValidator validator = new MessageValidator(DataDictionary.standard("FIX.4.4", null),
            new Validation());
        assertEquals(MessageValidator.TAG_WITHOUT_VALUE, validator.validate(decoder));
        assertEquals(55, validator.refTagId());

        final byte[] emptyMsgType = "8=FIX.4.4\u00019=5\u000135=\u000110=000\u0001".getBytes(StandardCharsets.US_ASCII);
        assertEquals(FixDecoder.GARBLED, decoder.wrap(new UnsafeBuffer(emptyMsgType), 0, emptyMsgType.length));
    }
}
