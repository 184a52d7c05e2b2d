package dev.tandem.journal;

import static org.junit.jupiter.api.Assertions.*;

import net.openhft.chronicle.wire.Marshallable;
import org.junit.jupiter.api.Test;

class JournalContextTest
{
    @Test
    void shouldLoadFromYamlWithDefaultsForMissingKeys()
    {
        final JournalContext context = Marshallable.fromString(JournalContext.class,
            "{ dir: data/primary, persistence: BATCHED, syncBatchSize: 64, rollCycle: FAST_HOURLY, retainCycles: 3 }")
            .conclude();
        assertEquals("data/primary", context.dir());
        assertEquals(Persistence.BATCHED, context.persistence());
        assertEquals(64, context.syncBatchSize());
        assertEquals(3, context.retainCycles());
        assertEquals("FAST_HOURLY", context.resolvedRollCycle().toString());
        assertEquals(JournalContext.DEFAULT_MAX_MESSAGE_LENGTH_BYTES, context.maxMessageLengthBytes());
    }

    @Test
    void shouldRoundTripThroughYaml()
    {
        final JournalContext context = new JournalContext().dir("/var/tandem").persistence(Persistence.SYNC)
            .retainCycles(5).rollCycle("FAST_HOURLY").syncBatchSize(7).maxMessageLengthBytes(4096);
        final JournalContext copy = Marshallable.fromString(JournalContext.class, context.toString()).conclude();
        assertEquals(context, copy);
        assertEquals(Persistence.SYNC, copy.persistence());
        assertEquals(4096, copy.maxMessageLengthBytes());
    }

    @Test
    void shouldLoadWithTypeTag()
    {
        final JournalContext context = Marshallable.fromString(
            "!dev.tandem.journal.JournalContext { dir: x, persistence: SYNC }");
        assertEquals(Persistence.SYNC, context.conclude().persistence());
    }

    @Test
    void shouldNameKeyAndValueOfInvalidSettings()
    {
        assertInvalid("{ persistence: SYNC }", "'dir'", "'null'");
        assertInvalid("{ dir: x, maxMessageLengthBytes: 0 }", "'maxMessageLengthBytes'", "'0'");
        assertInvalid("{ dir: x, rollCycle: FORTNIGHTLY }", "'rollCycle'", "'FORTNIGHTLY'");
        assertInvalid("{ dir: x, retainCycles: -1 }", "'retainCycles'", "'-1'");
        assertInvalid("{ dir: x, syncBatchSize: 0 }", "'syncBatchSize'", "'0'");
        assertInvalid("{ dir: x, persistance: SYNC }", "journal.persistance: unknown key 'persistance'",
            "valid keys of journal: dir");
        assertInvalid("{ dir: x, persistence: SOMETIMES }", "journal.persistence: 'SOMETIMES'",
            "BUFFERED, BATCHED, SYNC");
        assertInvalid("{ dir: x, syncBatchSize: lots }", "journal.syncBatchSize: 'lots'", "32-bit integer");
    }

    private static void assertInvalid(final String yaml, final String... fragments)
    {
        final RuntimeException ex = assertThrows(RuntimeException.class,
            () -> Marshallable.fromString(JournalContext.class, yaml).conclude());
        final String message = messages(ex);
        for (final String fragment : fragments)
        {
            assertTrue(message.contains(fragment), "'" + fragment + "' missing from: " + message);
        }
    }

    private static String messages(final Throwable t)
    {
        final StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause())
        {
            sb.append(c.getMessage()).append(" / ");
        }
        return sb.toString();
    }
}
