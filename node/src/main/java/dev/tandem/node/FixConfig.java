package dev.tandem.node;

import dev.tandem.fix.FixContext;
import dev.tandem.fix.SessionConfig;
import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.HostPort;
import dev.tandem.journal.config.YamlNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * YAML section {@code fix: { listen: "0.0.0.0:9880", sessions: [ ... ], <FixContext keys> }}: where the acceptor
 * listens, which sessions it accepts (each a map of {@link SessionConfig#CONFIG} keys), and every setting of the
 * fix-session module's {@link FixContext} a node leaves to its user ({@link FixContext#CONFIG} without the keys the
 * node sets itself: {@code bindAddress} and {@code port}, given as {@code listen}; {@code agentName};
 * {@code lostOutboundBound}, from the replication loss bound at activation; {@code logonsEnabled}; and the
 * initiator's {@code connectTimeoutMs}).
 * <p>
 * Threading: read at start-up, immutable afterwards.
 */
public final class FixConfig
{
    /** FixContext keys the node sets itself, so they are not YAML keys of a node. */
    static final Set<String> NODE_SET = Set.of(
        "bindAddress", "port", "sessions", "agentName", "lostOutboundBound", "logonsEnabled", "connectTimeoutMs");

    private String listen;
    private List<SessionConfig> sessions = new ArrayList<>();
    private YamlNode settings = YamlNode.map("fix", null, Map.of());

    /** Every key of the section, in the order the node README lists them. */
    public static List<String> keys()
    {
        final List<String> keys = new ArrayList<>(List.of("listen", "sessions"));
        for (final String key : FixContext.CONFIG.keys())
        {
            if (!NODE_SET.contains(key))
            {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Reads the section, failing on an unknown key or a value of the wrong kind. */
    static FixConfig read(final YamlNode section)
    {
        final FixConfig config = new FixConfig();
        section.requireMap("a map of fix keys: " + String.join(", ", keys()));
        final List<String> keys = keys();
        for (final Map.Entry<String, YamlNode> entry : section.entries().entrySet())
        {
            if (!keys.contains(entry.getKey()))
            {
                throw new ConfigException(entry.getValue().where() + ": unknown key '" + entry.getKey() +
                    "'; valid keys of fix: " + String.join(", ", keys));
            }
        }
        final YamlNode listen = section.get("listen");
        config.listen = listen == null ? null : ConfigTable.textValue(listen);
        final YamlNode sessions = section.get("sessions");
        if (sessions != null)
        {
            config.sessions = new ArrayList<>();
            for (final YamlNode item : ConfigTable.requireList(sessions).items())
            {
                config.sessions.add(SessionConfig.CONFIG.apply(item, new SessionConfig()));
            }
        }
        config.settings = section.without("listen").without("sessions");
        config.applyTo(new FixContext()); // the kinds of the values now, not when the acceptor starts
        return config;
    }

    /** Applies the section's {@link FixContext} settings to {@code context}, and adds the sessions. */
    public FixContext applyTo(final FixContext context)
    {
        FixContext.CONFIG.apply(settings, context, NODE_SET);
        return context.sessions(sessions);
    }

    /** The acceptor's {@code host:port}. */
    public String listen()
    {
        return listen;
    }

    public FixConfig listen(final String listen)
    {
        this.listen = listen;
        return this;
    }

    /** The sessions accepted, as the fix-session module's own {@link SessionConfig}s. */
    public List<SessionConfig> sessions()
    {
        return sessions;
    }

    public FixConfig session(final SessionConfig session)
    {
        sessions.add(session);
        return this;
    }

    /** Connections allowed to wait for their Logon at once; see fix-session/README.md. */
    public int maxPendingConnections()
    {
        return applyTo(new FixContext()).maxPendingConnections();
    }

    /** Connections from one remote host allowed to wait for their Logon. */
    public int maxPendingPerAddress()
    {
        return applyTo(new FixContext()).maxPendingPerAddress();
    }

    void validate()
    {
        HostPort.parse("fix.listen", listen, true);
        try
        {
            applyTo(new FixContext()).validateSettings();
        }
        catch (final dev.tandem.journal.config.ConfigException ex)
        {
            throw ex;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException("fix." + ex.getMessage(), ex);
        }
        if (sessions.isEmpty())
        {
            throw new ConfigException("fix.sessions: at least one session is required, e.g. " +
                "[ { beginString: FIX.4.4, senderCompId: ISLD, targetCompId: TW } ]");
        }
        final Set<Long> ids = new HashSet<>();
        for (int i = 0; i < sessions.size(); i++)
        {
            final SessionConfig session = sessions.get(i);
            try
            {
                session.conclude();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException("fix.sessions[" + i + "]." + ex.getMessage(), ex);
            }
            if (!ids.add(session.sessionId()))
            {
                throw new ConfigException("fix.sessions[" + i + "]: session " + session + " is listed twice");
            }
        }
    }

    @Override
    public String toString()
    {
        final Set<String> names = new LinkedHashSet<>();
        sessions.forEach(session -> names.add(session.toString()));
        return "FixConfig{listen=" + listen + ", sessions=" + names + ", settings=" + settings + "}";
    }
}
