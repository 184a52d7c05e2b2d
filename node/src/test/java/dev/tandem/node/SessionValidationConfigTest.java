package dev.tandem.node;

import dev.tandem.fix.SessionConfig;
import dev.tandem.fix.dictionary.DataDictionary;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code dataDictionary} and {@code validation} keys of a session in the node's YAML, and their errors. */
@Timeout(60)
class SessionValidationConfigTest
{
    private static String yaml(final String beginString, final String validation)
    {
        return "!NodeConfig {\n" +
            "  role: PRIMARY,\n" +
            "  journal: { dir: /tmp/x, persistence: BUFFERED },\n" +
            "  replication: { listen: \"127.0.0.1:0\", clusterName: demo, secretEnv: PATH," +
            " ackStrategy: !WaitForever { } },\n" +
            "  fix: { listen: \"127.0.0.1:0\", sessions: [ { beginString: " + beginString + ", senderCompId: ISLD," +
            " targetCompId: TW, heartbeatSec: 5" + (validation == null ? "" : ", " + validation) +
            " } ] },\n" +
            "  admin: { listen: \"127.0.0.1:0\" }\n" +
            "}\n";
    }

    private static SessionConfig session(final String beginString, final String validation)
    {
        return NodeConfig.fromYaml(yaml(beginString, validation)).fix().sessions().get(0);
    }

    private static String failure(final String beginString, final String validation)
    {
        return assertThrows(ConfigException.class, () -> NodeConfig.fromYaml(yaml(beginString, validation)))
            .getMessage();
    }

    @Test
    void shouldValidateWithTheStandardDictionaryByDefault()
    {
        final SessionConfig session = session("FIX.4.4", null);
        assertTrue(session.validation().enabled());
        final SessionConfig concluded = new SessionConfig().beginString("FIX.4.4").senderCompId("ISLD")
            .targetCompId("TW").validation(session.validation()).conclude();
        assertSame(DataDictionary.standard("FIX.4.4", null), concluded.dataDictionary());
    }

    @Test
    void shouldReadEverySwitchAndAUsersOwnDictionary() throws Exception
    {
        final Path dir = Tests.tempDir("validation-config");
        try
        {
            final Path own = dir.resolve("MyFIX44.xml");
            try (var in = DataDictionary.class.getClassLoader().getResourceAsStream("FIX44.xml"))
            {
                Files.copy(in, own);
            }
            final SessionConfig session = session("FIX.4.4", "dataDictionary: \"" + own + "\", validation: { " +
                "enabled: true, checkFieldOrder: false, checkUserDefinedFields: false, allowUnknownFields: true, " +
                "checkGroupFieldOrder: false, checkFieldValues: false, supportedMsgTypes: [ D, F, G ] }");
            assertEquals("FIX.4.4", session.dataDictionary().beginString());
            assertEquals("Validation{enabled=true, checkFieldOrder=false, checkUserDefinedFields=false, " +
                "allowUnknownFields=true, checkGroupFieldOrder=false, checkFieldValues=false}",
                session.validation().toString());
            final SessionConfig fixt = session("FIXT.1.1", "dataDictionary: [ FIXT11.xml, FIX50SP2.xml ]");
            assertEquals("FIXT.1.1", fixt.dataDictionary().beginString());
            assertFalse(session("FIX.4.2", "validation: { enabled: false }").validation().enabled());
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }

    @Test
    void shouldNameTheKeyOfABadValidationValue()
    {
        final String missing = failure("FIX.4.4", "dataDictionary: no/such/FIX44.xml");
        assertTrue(missing.contains("dataDictionary") && missing.contains("no/such/FIX44.xml"), missing);
        final String wrongVersion = failure("FIX.4.2", "dataDictionary: FIX44.xml");
        assertTrue(wrongVersion.contains("FIX.4.4") && wrongVersion.contains("FIX.4.2"), wrongVersion);
        final String unknown = failure("FIX.4.4", "validation: { validateEverything: true }");
        assertTrue(unknown.contains("validation") && unknown.contains("validateEverything"), unknown);
        final String badBoolean = failure("FIX.4.4", "validation: { checkFieldOrder: maybe }");
        assertTrue(badBoolean.contains("checkFieldOrder") && badBoolean.contains("maybe"), badBoolean);
        final String badType = failure("FIX.4.4", "validation: { supportedMsgTypes: [ D, ABCDEFGHIJ ] }");
        assertTrue(badType.contains("supportedMsgTypes") && badType.contains("ABCDEFGHIJ"), badType);
    }
}
