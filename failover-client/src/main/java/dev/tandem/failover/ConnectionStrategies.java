package dev.tandem.failover;

import dev.tandem.journal.config.ConfigException;
import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.ConfigTypes;
import dev.tandem.journal.config.YamlNode;
import net.openhft.chronicle.core.pool.ClassAliasPool;
import net.openhft.chronicle.network.AlwaysStartOnPrimaryConnectionStrategy;
import net.openhft.chronicle.network.connection.FatalFailureConnectionStrategy;

/**
 * Reads a connection strategy from YAML through Tandem's one configuration reader, by type tag:
 * {@code !Failover { ... }} ({@link FailoverConnectionStrategy}, its keys named as its setters) or
 * {@code !Chronicle { strategy: ..., logonTimeoutMs: ... }} ({@link ChronicleConnectionStrategy}), where
 * {@code strategy} is one of Chronicle Network's: {@code !AlwaysStartOnPrimary { pausePeriodMs, socketConnectionTimeoutMs,
 * tcpBufferSize, pauseMillisBeforeReconnect, minPauseSec, maxPauseSec }} or {@code !FatalFailure { attempts,
 * blocking }}; a user's own {@link ConnectionStrategy} by its class name, {@code !com.example.MyStrategy { ... }}.
 * The plain form {@code { type: Failover, ... }} works too. Reading is strict: an unknown tag or key, or a value of
 * the wrong kind, fails naming its path.
 * <p>
 * Threading: thread safe (static, stateless).
 */
public final class ConnectionStrategies
{
    static
    {
        // the strategies print as their tags in logs (they are Chronicle marshallables for toString)
        ClassAliasPool.CLASS_ALIASES.addAlias(FailoverConnectionStrategy.class, "Failover");
        ClassAliasPool.CLASS_ALIASES.addAlias(ChronicleConnectionStrategy.class, "Chronicle");
        ClassAliasPool.CLASS_ALIASES.addAlias(AlwaysStartOnPrimaryConnectionStrategy.class, "AlwaysStartOnPrimary");
        ClassAliasPool.CLASS_ALIASES.addAlias(FatalFailureConnectionStrategy.class, "FatalFailure");
    }

    /** Chronicle Network's strategies, read into a spec and then built (FatalFailure is immutable once made). */
    private static final ConfigTypes<ChronicleSpec> CHRONICLE_STRATEGIES =
        new ConfigTypes<ChronicleSpec>("a Chronicle Network connection strategy")
            .type("AlwaysStartOnPrimary", AlwaysStartOnPrimarySpec::new,
                new ConfigTable<AlwaysStartOnPrimarySpec>("!AlwaysStartOnPrimary")
                    .intValue("pausePeriodMs", 0, Integer.MAX_VALUE,
                        (spec, value) -> spec.strategy.pausePeriodMs(value))
                    .intValue("socketConnectionTimeoutMs", 1, Integer.MAX_VALUE,
                        (spec, value) -> spec.strategy.socketConnectionTimeoutMs(value))
                    .intValue("tcpBufferSize", 1, Integer.MAX_VALUE,
                        (spec, value) -> spec.strategy.tcpBufferSize(value))
                    .longValue("pauseMillisBeforeReconnect", 0, Long.MAX_VALUE,
                        (spec, value) -> spec.strategy.pauseMillisBeforeReconnect(value))
                    .longValue("minPauseSec", 0, Long.MAX_VALUE, (spec, value) -> spec.strategy.minPauseSec(value))
                    .longValue("maxPauseSec", 0, Long.MAX_VALUE, (spec, value) -> spec.strategy.maxPauseSec(value)))
            .type("FatalFailure", FatalFailureSpec::new, new ConfigTable<FatalFailureSpec>("!FatalFailure")
                .intValue("attempts", 1, Integer.MAX_VALUE, (spec, value) -> spec.attempts = value)
                .bool("blocking", (spec, value) -> spec.blocking = value));

    /** The connection strategies by tag, each with its keys. */
    public static final ConfigTypes<ConnectionStrategy> TYPES = new ConfigTypes<ConnectionStrategy>(
        "a connection strategy")
        .type("Failover", FailoverConnectionStrategy::new, new ConfigTable<FailoverConnectionStrategy>("!Failover")
            .intValue("attemptsPerAddress", FailoverConnectionStrategy::attemptsPerAddress)
            .longValue("connectTimeoutMs", FailoverConnectionStrategy::connectTimeoutMs)
            .longValue("logonTimeoutMs", FailoverConnectionStrategy::logonTimeoutMs)
            .longValue("backoffInitialMs", FailoverConnectionStrategy::backoffInitialMs)
            .longValue("backoffMaxMs", FailoverConnectionStrategy::backoffMaxMs)
            .intValue("jitterPercent", FailoverConnectionStrategy::jitterPercent)
            .bool("returnToPrimary", FailoverConnectionStrategy::returnToPrimary)
            .longValue("maxConsecutiveFailures", FailoverConnectionStrategy::maxConsecutiveFailures)
            .longValue("switchoverRetryMs", FailoverConnectionStrategy::switchoverRetryMs)
            .longValue("switchoverWindowMs", FailoverConnectionStrategy::switchoverWindowMs))
        .type("Chronicle", ChronicleConnectionStrategy::new, new ConfigTable<ChronicleConnectionStrategy>("!Chronicle")
            .custom("strategy", (adapter, value) -> adapter.strategy(CHRONICLE_STRATEGIES.read(value).build()))
            .longValue("logonTimeoutMs", 1, Long.MAX_VALUE, ChronicleConnectionStrategy::logonTimeoutMs)
            .text("name", ChronicleConnectionStrategy::name))
        .classNames(ConnectionStrategy.class,
            (type, keys) -> ConfigTypes.userInstance(type, keys, "a connection strategy"));

    private ConnectionStrategies()
    {
    }

    /**
     * Reads one strategy from YAML text such as {@code !Failover { attemptsPerAddress: 3 }}.
     *
     * @throws IllegalArgumentException (a {@link ConfigException}) if the text is not a connection strategy.
     */
    public static ConnectionStrategy fromYaml(final String yaml)
    {
        return read(YamlNode.parse(yaml.strip(), "connectionStrategy"));
    }

    /** Reads the {@code connectionStrategy} value of a configuration. */
    static ConnectionStrategy read(final YamlNode value)
    {
        final ConnectionStrategy strategy = TYPES.read(value);
        if (strategy instanceof FailoverConnectionStrategy)
        {
            try
            {
                ((FailoverConnectionStrategy)strategy).conclude();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException(ex.getMessage(), ex);
            }
        }
        if (strategy instanceof ChronicleConnectionStrategy && ((ChronicleConnectionStrategy)strategy).strategy() == null)
        {
            throw new ConfigException(value.where() + ".strategy: missing, expected !AlwaysStartOnPrimary { } or " +
                "!FatalFailure { }");
        }
        return strategy;
    }

    private interface ChronicleSpec
    {
        net.openhft.chronicle.network.ConnectionStrategy build();
    }

    private static final class AlwaysStartOnPrimarySpec implements ChronicleSpec
    {
        final AlwaysStartOnPrimaryConnectionStrategy strategy = new AlwaysStartOnPrimaryConnectionStrategy();

        @Override
        public net.openhft.chronicle.network.ConnectionStrategy build()
        {
            return strategy;
        }
    }

    private static final class FatalFailureSpec implements ChronicleSpec
    {
        // Chronicle's own defaults for this strategy
        int attempts = 1;
        boolean blocking;

        @Override
        public net.openhft.chronicle.network.ConnectionStrategy build()
        {
            return new FatalFailureConnectionStrategy(attempts, blocking);
        }
    }
}
