package dev.tandem.node;

import dev.tandem.failover.Addresses;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireIn;

import java.util.List;

/**
 * YAML section {@code admin: { listen: "127.0.0.1:9780" }}: the admin HTTP API, on loopback unless told otherwise.
 * Port 0 picks a free port, which the node prints at start-up.
 * <p>
 * Threading: read at start-up, immutable afterwards.
 */
public final class AdminConfig extends SelfDescribingMarshallable implements StrictYaml.StrictlyRead
{
    /** Loopback: the admin API can activate a node, so it is not exposed unless the user says so. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:0";

    private String listen = DEFAULT_LISTEN;

    public String listen()
    {
        return listen;
    }

    public AdminConfig listen(final String listen)
    {
        this.listen = listen;
        return this;
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        StrictYaml.readKeys(wire, "admin", List.of("listen"),
            (key, in) -> listen = StrictYaml.text("admin.listen", in));
    }

    void validate()
    {
        try
        {
            Addresses.parse("admin.listen", listen, true);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(ex.getMessage(), ex);
        }
    }
}
