package dev.tandem.fix.dictionary;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.test.Tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dictionary checks on real QuickFIX/J dictionaries (quickfixj-messages-all) and a user's own file: each check
 * answers the SessionRejectReason and RefTagID the FIX session test cases expect, each switch turns its check off,
 * and validating a message allocates nothing.
 */
class MessageValidatorTest
{
    private static final DataDictionary FIX44 = DataDictionary.fromClasspath("FIX44.xml");
    private static final String NOS = "11=ID1|21=1|38=100|40=1|54=1|55=INTC|60=20261202-01:02:03.456|";

    private final FixDecoder decoder = new FixDecoder();

    private FixDecoder decode(final String beginString, final String msgType, final String body)
    {
        final String inner = "35=" + msgType + "|34=2|49=TW|52=20261202-01:02:03.456|56=ISLD|" + body;
        final String head = "8=" + beginString + "|9=" + inner.length() + "|";
        final byte[] bytes = (head + inner).replace('|', '\u0001').getBytes(StandardCharsets.US_ASCII);
        int sum = 0;
        for (final byte b : bytes)
        {
            sum += b;
        }
        final String whole = head + inner + String.format("10=%03d|", sum & 0xFF);
        final UnsafeBuffer buffer = new UnsafeBuffer(whole.replace('|', '\u0001').getBytes(StandardCharsets.US_ASCII));
        assertEquals(FixDecoder.OK, decoder.wrap(buffer, 0, buffer.capacity()), whole);
        return decoder;
    }

    /** @return a decoder of its own over a copy of the message (the test's one decoder is rewrapped by decode). */
    private static FixDecoder copy(final FixDecoder message)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[message.length()]);
        buffer.putBytes(0, message.buffer(), message.offset(), message.length());
        final FixDecoder copy = new FixDecoder();
        assertEquals(FixDecoder.OK, copy.wrap(buffer, 0, buffer.capacity()));
        return copy;
    }

    private static void assertReject(final MessageValidator validator, final FixDecoder message, final int reason,
        final int refTagId)
    {
        assertEquals(reason, validator.validate(message), validator.text());
        assertEquals(refTagId, validator.refTagId());
        assertFalse(validator.text().isEmpty());
    }

    @Test
    void shouldAnswerEachCheckWithItsReasonAndTag()
    {
        final MessageValidator v = new MessageValidator(FIX44, new Validation());
        assertEquals(MessageValidator.VALID, v.validate(decode("FIX.4.4", "D", NOS)));
        assertEquals(MessageValidator.VALID, v.validate(decode("FIX.4.4", "D", NOS + "453=2|448=P1|447=D|452=1|448=P2|447=D|452=3|")));
        assertReject(v, decode("FIX.4.4", "ZZ", NOS), MessageValidator.INVALID_MSG_TYPE, 35);
        assertReject(v, decode("FIX.4.4", "D", NOS + "4999=X|"), MessageValidator.INVALID_TAG_NUMBER, 4999);
        assertReject(v, decode("FIX.4.4", "D", NOS.replace("11=ID1|", "")), MessageValidator.REQUIRED_TAG_MISSING, 11);
        assertReject(v, decode("FIX.4.4", "0", "55=INTC|"), MessageValidator.TAG_NOT_DEFINED_FOR_MSG_TYPE, 55);
        assertReject(v, decode("FIX.4.4", "D", NOS.replace("54=1", "54=Z")), MessageValidator.VALUE_INCORRECT, 54);
        assertReject(v, decode("FIX.4.4", "D", NOS.replace("38=100", "38=1x0")), MessageValidator.INCORRECT_DATA_FORMAT, 38);
        assertReject(v, decode("FIX.4.4", "D", NOS.replace("60=20261202-01:02:03.456", "60=2026-12-02")),
            MessageValidator.INCORRECT_DATA_FORMAT, 60);
        assertReject(v, decode("FIX.4.4", "D", NOS + "97=N|"), MessageValidator.TAG_OUT_OF_ORDER, 97);
        assertReject(v, decode("FIX.4.4", "D", NOS + "55=MSFT|"), MessageValidator.TAG_REPEATED, 55);
        assertReject(v, decode("FIX.4.4", "D", NOS + "453=2|448=P1|447=D|452=1|"), MessageValidator.INCORRECT_NUM_IN_GROUP, 453);
        assertReject(v, decode("FIX.4.4", "D", NOS + "453=1|447=D|448=P1|452=1|"),
            MessageValidator.GROUP_FIELDS_OUT_OF_ORDER, 447);
    }

    @Test
    void shouldRejectATagRepeatedInsideAGroupEntry()
    {
        final MessageValidator v = new MessageValidator(FIX44, new Validation());
        // Parties (453): PartyID (448) starts each entry; the same member in two entries is fine, twice in one is not
        assertEquals(MessageValidator.VALID,
            v.validate(decode("FIX.4.4", "D", NOS + "453=2|448=P1|447=D|452=1|448=P2|447=D|452=3|")), v.text());
        assertReject(v, decode("FIX.4.4", "D", NOS + "453=1|448=P1|447=D|447=D|452=1|"),
            MessageValidator.TAG_REPEATED, 447);
        assertReject(v, decode("FIX.4.4", "D", NOS + "453=2|448=P1|447=D|452=1|448=P2|452=3|447=D|452=3|"),
            MessageValidator.TAG_REPEATED, 452);
        // nested: MassQuote's NoQuoteEntries (295) entry with BidPx (188) twice
        final String quote = "117=Q1|296=1|302=S1|304=1|295=2|299=E1|188=1.5|299=E2|188=1.5|";
        assertEquals(MessageValidator.VALID, v.validate(decode("FIX.4.4", "i", quote)), v.text());
        assertReject(v, decode("FIX.4.4", "i", quote.replace("299=E2|188=1.5|", "299=E2|188=1.5|188=1.6|")),
            MessageValidator.TAG_REPEATED, 188);
        // the switch that lets a repeated tag through elsewhere is the master one: with checks off, no Reject
        assertEquals(MessageValidator.VALID, new MessageValidator(FIX44, new Validation().enabled(false))
            .validate(decode("FIX.4.4", "D", NOS + "453=1|448=P1|447=D|447=D|452=1|")));
    }

    @Test
    void shouldCheckEveryPartOfATimestamp()
    {
        final MessageValidator v = new MessageValidator(FIX44, new Validation());
        for (final String good : new String[] {"20261202-01:02:03", "20261202-01:02:03.4", "20261202-01:02:03.456",
            "20261202-23:59:60.123456789"})
        {
            assertEquals(MessageValidator.VALID, v.validate(decode("FIX.4.4", "D",
                NOS.replace("60=20261202-01:02:03.456", "60=" + good))), good + ": " + v.text());
        }
        for (final String bad : new String[] {"2026120x-01:02:03", "20261202 01:02:03", "20261202-0a:02:03",
            "20261202-01-02:03", "20261202-01:02.03", "20261202-01:02:0/", "20261202-01:02:03.", "20261202-01:02:03,4",
            "20261202-01:02:03.45x", "20261202-01:02:03.1234567890", "2026120-01:02:03", "\u00b00261202-01:02:03"})
        {
            assertReject(v, decode("FIX.4.4", "D", NOS.replace("60=20261202-01:02:03.456", "60=" + bad)),
                MessageValidator.INCORRECT_DATA_FORMAT, 60);
        }
    }

    @Test
    void shouldRejectAGroupEntryMissingARequiredField()
    {
        final MessageValidator v = new MessageValidator(FIX44, new Validation());
        // MassQuote: each NoQuoteSets (296) entry requires QuoteSetID (302) and TotNoQuoteEntries (304) and a
        // NoQuoteEntries (295) group whose entries require QuoteEntryID (299)
        final String quote = "117=Q1|296=2|302=S1|304=1|295=1|299=E1|302=S2|304=1|295=1|299=E2|";
        assertEquals(MessageValidator.VALID, v.validate(decode("FIX.4.4", "i", quote)), v.text());
        assertReject(v, decode("FIX.4.4", "i", quote.replace("302=S2|304=1|", "302=S2|")),
            MessageValidator.REQUIRED_TAG_MISSING, 304);
        assertReject(v, decode("FIX.4.4", "i", quote.replace("302=S1|304=1|", "302=S1|")),
            MessageValidator.REQUIRED_TAG_MISSING, 304);
        assertReject(v, decode("FIX.4.4", "i", quote.replace("304=1|295=1|299=E2|", "304=1|")),
            MessageValidator.REQUIRED_TAG_MISSING, 295);
        // nested: the inner group is counted and checked on its own
        assertReject(v, decode("FIX.4.4", "i", quote.replace("295=1|299=E1|", "295=2|299=E1|")),
            MessageValidator.INCORRECT_NUM_IN_GROUP, 295);
        assertEquals(MessageValidator.VALID, v.validate(decode("FIX.4.4", "i",
            quote.replace("295=1|299=E1|", "295=2|299=E1|188=1.5|299=E3|190=1.6|"))), v.text());
        assertReject(v, decode("FIX.4.4", "i", quote.replace("299=E1|", "299=E1|188=x|")),
            MessageValidator.INCORRECT_DATA_FORMAT, 188);
        assertReject(v, decode("FIX.4.4", "i", quote.replace("295=1|299=E1|", "295=1|188=1.5|299=E1|")),
            MessageValidator.GROUP_FIELDS_OUT_OF_ORDER, 188);
        // FIX 4.2: UnderlyingSymbol (311) is required in each quote set as well
        final MessageValidator fix42 = new MessageValidator(DataDictionary.fromClasspath("FIX42.xml"), new Validation());
        final String quote42 = "117=Q1|296=1|302=S1|311=INTC|304=1|295=1|299=E1|";
        assertEquals(MessageValidator.VALID, fix42.validate(decode("FIX.4.2", "i", quote42)), fix42.text());
        assertReject(fix42, decode("FIX.4.2", "i", quote42.replace("311=INTC|", "")),
            MessageValidator.REQUIRED_TAG_MISSING, 311);
    }

    @Test
    void shouldCheckRequiredFieldsOfNestedGroupsInAUsersOwnDictionary() throws Exception
    {
        final Path dir = Tests.tempDir("dictionary");
        try
        {
            final Path file = dir.resolve("nested.xml");
            Files.writeString(file, String.join("\n",
                "<fix major='4' minor='4'>",
                " <header><field name='BeginString' required='Y'/><field name='BodyLength' required='Y'/>",
                "  <field name='MsgType' required='Y'/><field name='SenderCompID' required='Y'/>",
                "  <field name='TargetCompID' required='Y'/><field name='MsgSeqNum' required='Y'/>",
                "  <field name='SendingTime' required='Y'/></header>",
                " <trailer><field name='CheckSum' required='Y'/></trailer>",
                " <messages><message name='Basket' msgtype='U2' msgcat='app'>",
                "  <field name='BasketID' required='Y'/>",
                "  <group name='NoBasketLegs' required='Y'><field name='LegName' required='Y'/>",
                "   <component name='LegPrice' required='Y'/>",
                "   <group name='NoLegFills' required='N'><field name='FillID' required='Y'/>",
                "    <field name='FillQty' required='Y'/><field name='FillVenue' required='N'/></group>",
                "  </group></message></messages>",
                " <components><component name='LegPrice'><field name='LegPx' required='Y'/>",
                "  <field name='LegCcy' required='N'/></component></components>",
                " <fields>",
                "  <field number='8' name='BeginString' type='STRING'/><field number='9' name='BodyLength' type='LENGTH'/>",
                "  <field number='35' name='MsgType' type='STRING'/><field number='49' name='SenderCompID' type='STRING'/>",
                "  <field number='56' name='TargetCompID' type='STRING'/><field number='34' name='MsgSeqNum' type='SEQNUM'/>",
                "  <field number='52' name='SendingTime' type='UTCTIMESTAMP'/><field number='10' name='CheckSum' type='STRING'/>",
                "  <field number='7100' name='BasketID' type='STRING'/><field number='7101' name='NoBasketLegs' type='NUMINGROUP'/>",
                "  <field number='7102' name='LegName' type='STRING'/><field number='7103' name='LegPx' type='PRICE'/>",
                "  <field number='7104' name='LegCcy' type='STRING'/><field number='7105' name='NoLegFills' type='NUMINGROUP'/>",
                "  <field number='7106' name='FillID' type='STRING'/><field number='7107' name='FillQty' type='QTY'/>",
                "  <field number='7108' name='FillVenue' type='STRING'/>",
                " </fields>",
                "</fix>"));
            final MessageValidator v = new MessageValidator(DataDictionary.fromFile(file), new Validation());
            final String basket = "7100=B1|7101=2|7102=L1|7103=10.5|7105=2|7106=F1|7107=5|7106=F2|7107=6|7108=X|" +
                "7102=L2|7103=11|7104=EUR|";
            assertEquals(MessageValidator.VALID, v.validate(decode("FIX.4.4", "U2", basket)), v.text());
            assertReject(v, decode("FIX.4.4", "U2", basket.replace("7102=L2|7103=11|", "7102=L2|")),
                MessageValidator.REQUIRED_TAG_MISSING, 7103);
            assertReject(v, decode("FIX.4.4", "U2", basket.replace("7106=F2|7107=6|", "7106=F2|")),
                MessageValidator.REQUIRED_TAG_MISSING, 7107);
            assertReject(v, decode("FIX.4.4", "U2", basket.replace("7106=F1|7107=5|", "7106=F1|")),
                MessageValidator.REQUIRED_TAG_MISSING, 7107);
            assertReject(v, decode("FIX.4.4", "U2", basket.replace("7105=2|", "7105=3|")),
                MessageValidator.INCORRECT_NUM_IN_GROUP, 7105);
            assertReject(v, decode("FIX.4.4", "U2", "7100=B1|"), MessageValidator.REQUIRED_TAG_MISSING, 7101);
            // the optional nested group may be left out; the required component's field may not
            assertEquals(MessageValidator.VALID,
                v.validate(decode("FIX.4.4", "U2", "7100=B1|7101=1|7102=L1|7103=1|")), v.text());
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    @Test
    void shouldRefuseAComponentThatContainsItself() throws Exception
    {
        final Path dir = Tests.tempDir("dictionary");
        try
        {
            final Path file = dir.resolve("cycle.xml");
            Files.writeString(file, String.join("\n",
                "<fix major='4' minor='4'>",
                " <header><field name='BeginString' required='Y'/></header>",
                " <messages><message name='Loop' msgtype='U3' msgcat='app'><component name='Self' required='N'/>",
                " </message></messages>",
                " <components><component name='Self'><field name='BeginString' required='N'/>",
                "  <component name='Self' required='N'/></component></components>",
                " <fields><field number='8' name='BeginString' type='STRING'/></fields>",
                "</fix>"));
            final String message = assertThrows(IllegalArgumentException.class, () -> DataDictionary.fromFile(file))
                .getMessage();
            assertTrue(message.contains("nested more than") && message.contains(file.toString()), message);
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    @Test
    void shouldSelectTheApplicationDictionaryByApplVerId()
    {
        // the standard FIXT.1.1 dictionary holds every FIX50*.xml on the classpath, compiled once
        final DataDictionary fixt = DataDictionary.standard("FIXT.1.1", "9");
        assertEquals(java.util.List.of(7, 8, 9), fixt.applVerIds());
        final MessageValidator v = new MessageValidator(fixt, new Validation());
        // SecurityGroup (1151) is defined from FIX 5.0 SP1 on
        final String nos = NOS + "1151=G1|";
        assertEquals(MessageValidator.VALID, v.validate(decode("FIXT.1.1", "D", nos)), v.text());
        assertEquals(MessageValidator.VALID, v.validate(decodeFixt("9", nos)), v.text());
        assertEquals(MessageValidator.VALID, v.validate(decodeFixt("8", nos)), v.text());
        assertReject(v, decodeFixt("7", nos), MessageValidator.INVALID_TAG_NUMBER, 1151);
        assertEquals(MessageValidator.VALID, v.validate(decodeFixt("7", NOS)), v.text());
        assertReject(v, decodeFixt("4", NOS), MessageValidator.VALUE_INCORRECT, 1128);
        assertReject(v, decodeFixt("Z", NOS), MessageValidator.VALUE_INCORRECT, 1128);
        assertReject(v, decodeFixt("", NOS), MessageValidator.TAG_WITHOUT_VALUE, 1128);
        // session-level messages come from the transport dictionary whatever the version
        assertEquals(MessageValidator.VALID, v.validate(decodeFixtAdmin("7")), v.text());

        // a session whose DefaultApplVerID is 7 reads messages without ApplVerID as FIX 5.0
        final MessageValidator fix50 = new MessageValidator(fixt.withDefaultApplVerId("7"), new Validation());
        assertReject(fix50, decode("FIXT.1.1", "D", nos), MessageValidator.INVALID_TAG_NUMBER, 1151);
        assertEquals(MessageValidator.VALID, fix50.validate(decodeFixt("9", nos)), fix50.text());
        assertSame(DataDictionary.standard("FIXT.1.1", "7"), DataDictionary.standard("FIXT.1.1", "7"));
        final String none = assertThrows(IllegalArgumentException.class, () -> fixt.withDefaultApplVerId("5"))
            .getMessage();
        assertTrue(none.contains("defaultApplVerId=5") && none.contains("[7, 8, 9]"), none);

        // one standard application file: only its own version; two by an explicit map
        final DataDictionary sp2 = DataDictionary.fixt("FIXT11.xml", "FIX50SP2.xml");
        assertEquals(java.util.List.of(9), sp2.applVerIds());
        assertReject(new MessageValidator(sp2, new Validation()), decodeFixt("7", NOS),
            MessageValidator.VALUE_INCORRECT, 1128);
        final DataDictionary pair = DataDictionary.fixt("FIXT11.xml", "9",
            java.util.Map.of("9", "FIX50SP2.xml", "7", "FIX50.xml"));
        assertEquals(java.util.List.of(7, 9), pair.applVerIds());
        assertReject(new MessageValidator(pair, new Validation()), decodeFixt("8", NOS),
            MessageValidator.VALUE_INCORRECT, 1128);
        assertEquals(java.util.List.of(7, 9), DataDictionary.fixt("FIXT11.xml", "FIX50SP2.xml", "FIX50.xml")
            .applVerIds());
        assertThrows(IllegalArgumentException.class, () -> DataDictionary.fixt("FIXT11.xml", "FIX50SP2.xml",
            "FIX50SP2.xml"));
        assertThrows(IllegalArgumentException.class, () -> DataDictionary.fixt("FIXT11.xml", "7",
            java.util.Map.of("9", "FIX50SP2.xml")));
        assertThrows(IllegalArgumentException.class, () -> DataDictionary.fromClasspath("FIX44.xml")
            .withDefaultApplVerId("9"));
    }

    private FixDecoder decodeFixt(final String applVerId, final String body)
    {
        return decode("FIXT.1.1", "D", "1128=" + applVerId + "|" + body);
    }

    private FixDecoder decodeFixtAdmin(final String applVerId)
    {
        return decode("FIXT.1.1", "1", "1128=" + applVerId + "|112=T1|");
    }

    @Test
    void shouldTurnEachCheckOffWithItsSwitch()
    {
        assertEquals(MessageValidator.VALID, new MessageValidator(FIX44, new Validation().enabled(false))
            .validate(decode("FIX.4.4", "ZZ", NOS + "4999=X|55=MSFT|")));
        assertEquals(MessageValidator.VALID, new MessageValidator(FIX44, new Validation().allowUnknownFields(true))
            .validate(decode("FIX.4.4", "D", NOS + "4999=X|")));
        assertEquals(MessageValidator.VALID, new MessageValidator(FIX44, new Validation().checkUserDefinedFields(false))
            .validate(decode("FIX.4.4", "D", NOS + "5001=X|")));
        assertReject(new MessageValidator(FIX44, new Validation()), decode("FIX.4.4", "D", NOS + "5001=X|"),
            MessageValidator.INVALID_TAG_NUMBER, 5001);
        assertEquals(MessageValidator.VALID, new MessageValidator(FIX44, new Validation().checkFieldOrder(false))
            .validate(decode("FIX.4.4", "D", NOS + "97=N|")));
        assertEquals(MessageValidator.VALID, new MessageValidator(FIX44, new Validation().checkFieldValues(false))
            .validate(decode("FIX.4.4", "D", NOS.replace("54=1", "54=Z").replace("38=100", "38=x"))));
        final MessageValidator onlyOrders = new MessageValidator(FIX44, new Validation().supportedMsgTypes("D"));
        assertEquals(MessageValidator.VALID, onlyOrders.validate(decode("FIX.4.4", "D", NOS)));
        assertEquals(MessageValidator.VALID, onlyOrders.validate(decode("FIX.4.4", "1", "112=T|")), "admin always");
        assertEquals(MessageValidator.UNSUPPORTED_MSG_TYPE,
            onlyOrders.validate(decode("FIX.4.4", "7", "2=AD1|5=N|4=B|55=INTC|53=100|")));
        assertEquals("Unsupported Message Type", onlyOrders.text());
        assertEquals(MessageValidator.VALID, new MessageValidator(FIX44, new Validation().checkGroupFieldOrder(false))
            .validate(decode("FIX.4.4", "D", NOS + "453=1|447=D|448=P1|452=1|")));
    }

    @Test
    void shouldLoadEveryVersionAndFixt()
    {
        final DataDictionary fix42 = DataDictionary.fromClasspath("FIX42.xml");
        assertEquals("FIX.4.2", fix42.beginString());
        assertEquals(MessageValidator.VALID, new MessageValidator(fix42, new Validation())
            .validate(decode("FIX.4.2", "D", NOS.replace("60=20261202-01:02:03.456", "60=20261202-01:02:03"))));
        final DataDictionary fixt = DataDictionary.fixt("FIXT11.xml", "FIX50SP2.xml");
        assertEquals("FIXT.1.1", fixt.beginString());
        assertTrue(fixt.isMsgType("A") && fixt.isMsgType("D") && fixt.isField(1137));
        final MessageValidator v = new MessageValidator(fixt, new Validation());
        assertEquals(MessageValidator.VALID, v.validate(decode("FIXT.1.1", "D", NOS)));
        assertEquals(MessageValidator.VALID, v.validate(decode("FIXT.1.1", "A", "98=0|108=30|1137=9|")));
        assertReject(v, decode("FIXT.1.1", "0", "55=INTC|"), MessageValidator.TAG_NOT_DEFINED_FOR_MSG_TYPE, 55);
    }

    @Test
    void shouldLoadAUsersOwnFileWithCustomFieldsAndMessages() throws Exception
    {
        final Path dir = Tests.tempDir("dictionary");
        try
        {
            final Path file = dir.resolve("custom.xml");
            Files.writeString(file, String.join("\n",
                "<fix major='4' minor='4'>",
                " <header><field name='BeginString' required='Y'/><field name='BodyLength' required='Y'/>",
                "  <field name='MsgType' required='Y'/><field name='SenderCompID' required='Y'/>",
                "  <field name='TargetCompID' required='Y'/><field name='MsgSeqNum' required='Y'/>",
                "  <field name='SendingTime' required='Y'/></header>",
                " <trailer><field name='CheckSum' required='Y'/></trailer>",
                " <messages><message name='Ping' msgtype='U1' msgcat='app'>",
                "  <field name='PingColour' required='Y'/></message></messages>",
                " <components/>",
                " <fields>",
                "  <field number='8' name='BeginString' type='STRING'/><field number='9' name='BodyLength' type='LENGTH'/>",
                "  <field number='35' name='MsgType' type='STRING'/><field number='49' name='SenderCompID' type='STRING'/>",
                "  <field number='56' name='TargetCompID' type='STRING'/><field number='34' name='MsgSeqNum' type='SEQNUM'/>",
                "  <field number='52' name='SendingTime' type='UTCTIMESTAMP'/><field number='10' name='CheckSum' type='STRING'/>",
                "  <field number='7001' name='PingColour' type='CHAR'><value enum='R' description='RED'/>",
                "   <value enum='G' description='GREEN'/></field>",
                " </fields>",
                "</fix>"));
            final DataDictionary custom = DataDictionary.fromFile(file);
            final MessageValidator v = new MessageValidator(custom, new Validation());
            assertEquals(MessageValidator.VALID, v.validate(decode("FIX.4.4", "U1", "7001=G|")));
            assertReject(v, decode("FIX.4.4", "U1", "7001=B|"), MessageValidator.VALUE_INCORRECT, 7001);
            assertReject(v, decode("FIX.4.4", "U1", ""), MessageValidator.REQUIRED_TAG_MISSING, 7001);
            assertReject(v, decode("FIX.4.4", "D", NOS), MessageValidator.INVALID_MSG_TYPE, 35);

            Files.writeString(file, "<nofix/>");
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> DataDictionary.fromFile(file));
            assertTrue(ex.getMessage().contains(file.toString()), ex.getMessage());
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> DataDictionary.fromClasspath("FIX99.xml"));
        assertTrue(missing.getMessage().contains("FIX99.xml"), missing.getMessage());
    }

    @Test
    void shouldValidateWithoutAllocating()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().getId();
        final MessageValidator v = new MessageValidator(FIX44, new Validation());
        final FixDecoder bad = new FixDecoder();
        final UnsafeBuffer badBuffer = new UnsafeBuffer(new byte[256]);
        final FixDecoder sample = decode("FIX.4.4", "D", NOS.replace("54=1", "54=Z"));
        badBuffer.putBytes(0, sample.buffer(), 0, sample.length());
        assertEquals(FixDecoder.OK, bad.wrap(badBuffer, 0, sample.length()));
        // decode() rewraps the test's one decoder: wrap the good message last
        final FixDecoder quote = copy(decode("FIX.4.4", "i",
            "117=Q1|296=2|302=S1|304=1|295=2|299=E1|188=1.5|299=E2|302=S2|304=1|295=1|299=E3|"));
        final MessageValidator fixt = new MessageValidator(DataDictionary.standard("FIXT.1.1", "9"), new Validation());
        final FixDecoder switched = copy(decode("FIXT.1.1", "D", "1128=8|" + NOS + "1151=G1|"));
        final FixDecoder goodAgain = decode("FIX.4.4", "D", NOS + "453=2|448=P1|447=D|452=1|448=P2|447=D|452=3|");
        for (int i = 0; i < 100_000; i++)
        {
            v.validate(goodAgain);
            v.validate(quote);
            v.validate(bad);
            fixt.validate(switched);
        }
        final long before = threads.getThreadAllocatedBytes(threadId);
        int rejects = 0;
        for (int i = 0; i < 100_000; i++)
        {
            rejects += v.validate(goodAgain) == MessageValidator.VALID ? 0 : 1;
            rejects += v.validate(quote) == MessageValidator.VALID ? 0 : 1;
            rejects += fixt.validate(switched) == MessageValidator.VALID ? 0 : 1;
            rejects += v.validate(bad) == MessageValidator.VALUE_INCORRECT ? 1 : 0;
        }
        final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
        assertEquals(100_000, rejects);
        // one allocating validation would cost at least 16 bytes x 200,000; a few hundred bytes once are the JIT's
        // (a late compilation or deoptimisation of this loop records on the measuring thread)
        assertTrue(allocated < 4_096, allocated + " bytes allocated by 400,000 validations");
    }
}
