package dev.tandem.node;

import dev.tandem.journal.Persistence;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireIn;

import java.util.List;

/**
 * YAML section {@code journal: { dir: data/primary, persistence: BUFFERED }}.
 * <p>
 * Threading: read at start-up, immutable afterwards.
 */
public final class JournalConfig extends SelfDescribingMarshallable implements StrictYaml.StrictlyRead
{
    private String dir;
    private Persistence persistence = Persistence.BUFFERED;

    public String dir()
    {
        return dir;
    }

    public JournalConfig dir(final String dir)
    {
        this.dir = dir;
        return this;
    }

    public Persistence persistence()
    {
        return persistence;
    }

    public JournalConfig persistence(final Persistence persistence)
    {
        this.persistence = persistence;
        return this;
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        StrictYaml.readKeys(wire, "journal", List.of("dir", "persistence"), (key, in) ->
        {
            if ("dir".equals(key))
            {
                dir = StrictYaml.text("journal.dir", in);
            }
            else
            {
                persistence = StrictYaml.enumValue("journal.persistence", in, Persistence.class);
            }
        });
    }

    void validate()
    {
        if (dir == null || dir.isBlank())
        {
            throw new ConfigException("journal.dir: missing, expected a directory for the journal, e.g. data/primary");
        }
    }
}
