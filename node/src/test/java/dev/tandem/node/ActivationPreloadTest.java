package dev.tandem.node;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.replication.ReplicationSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ActivationPreloadTest
{
    @Test
    void shouldFindAndLoadTheClassesAnActivationNeeds()
    {
        final List<String> fix = ActivationPreload.classNames(FixAcceptor.class);
        assertTrue(fix.contains("dev.tandem.fix.FixEngine"), fix.toString());
        assertTrue(fix.contains("dev.tandem.fix.codec.FixDecoder"), "sub-packages too: " + fix);
        assertTrue(fix.stream().noneMatch(name -> name.contains("-")), "no package-info: " + fix);
        assertTrue(fix.stream().allMatch(name -> name.startsWith("dev.tandem.fix.")), fix.toString());
        assertEquals(fix.size(), ActivationPreload.load(FixAcceptor.class), "every listed class loads");

        final List<String> replication = ActivationPreload.classNames(ReplicationSource.class);
        assertTrue(replication.contains("dev.tandem.replication.SinkListener"), replication.toString());
        assertEquals(replication.size(), ActivationPreload.load(ReplicationSource.class));
    }
}
