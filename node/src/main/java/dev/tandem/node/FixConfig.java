package dev.tandem.node;

import dev.tandem.failover.Addresses;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireIn;

import java.util.ArrayList;
import java.util.List;

/**
 * YAML section {@code fix: { listen: "0.0.0.0:9880", sessions: [ ... ] }}: where the acceptor listens and which
 * sessions it accepts.
 * <p>
 * Threading: read at start-up, immutable afterwards.
 */
public final class FixConfig extends SelfDescribingMarshallable implements StrictYaml.StrictlyRead
{
    private String listen;
    private List<SessionConfig> sessions = new ArrayList<>();
    private int maxPendingConnections = dev.tandem.fix.FixContext.DEFAULT_MAX_PENDING_CONNECTIONS;
    private int maxPendingPerAddress = dev.tandem.fix.FixContext.DEFAULT_MAX_PENDING_PER_ADDRESS;

    /** Connections allowed to wait for their Logon at once; see fix-session/README.md. */
    public int maxPendingConnections()
    {
        return maxPendingConnections;
    }

    public FixConfig maxPendingConnections(final int maxPendingConnections)
    {
        this.maxPendingConnections = maxPendingConnections;
        return this;
    }

    /** Connections from one remote host allowed to wait for their Logon. */
    public int maxPendingPerAddress()
    {
        return maxPendingPerAddress;
    }

    public FixConfig maxPendingPerAddress(final int maxPendingPerAddress)
    {
        this.maxPendingPerAddress = maxPendingPerAddress;
        return this;
    }

    public String listen()
    {
        return listen;
    }

    public FixConfig listen(final String listen)
    {
        this.listen = listen;
        return this;
    }

    public List<SessionConfig> sessions()
    {
        return sessions;
    }

    public FixConfig session(final SessionConfig session)
    {
        sessions.add(session);
        return this;
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        StrictYaml.readKeys(wire, "fix", List.of("listen", "sessions", "maxPendingConnections",
            "maxPendingPerAddress"), (key, in) ->
        {
            if ("maxPendingConnections".equals(key))
            {
                maxPendingConnections = (int)StrictYaml.longValue("fix.maxPendingConnections", in, 1, 65_536);
            }
            else if ("maxPendingPerAddress".equals(key))
            {
                maxPendingPerAddress = (int)StrictYaml.longValue("fix.maxPendingPerAddress", in, 1, 65_536);
            }
            else if ("listen".equals(key))
            {
                listen = StrictYaml.text("fix.listen", in);
            }
            else
            {
                sessions = new ArrayList<>();
                in.sequence(sessions, (list, items) ->
                {
                    while (items.hasNextSequenceItem())
                    {
                        list.add(items.object(SessionConfig.class));
                    }
                });
            }
        });
    }

    void validate()
    {
        try
        {
            Addresses.parse("fix.listen", listen, true);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(ex.getMessage(), ex);
        }
        if (maxPendingPerAddress > maxPendingConnections)
        {
            throw new ConfigException("fix.maxPendingPerAddress: " + maxPendingPerAddress + " is above " +
                "fix.maxPendingConnections (" + maxPendingConnections + ")");
        }
        if (sessions.isEmpty())
        {
            throw new ConfigException("fix.sessions: at least one session is required, e.g. " +
                "[ { beginString: FIX.4.4, senderCompId: ISLD, targetCompId: TW } ]");
        }
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++)
        {
            final SessionConfig session = sessions.get(i);
            session.validate("fix.sessions[" + i + "]");
            if (ids.contains(session.id()))
            {
                throw new ConfigException("fix.sessions[" + i + "]: session " + session.id() + " is listed twice");
            }
            ids.add(session.id());
        }
    }
}
