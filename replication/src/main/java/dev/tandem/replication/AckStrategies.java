package dev.tandem.replication;

import dev.tandem.journal.config.ConfigException;
import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.ConfigTypes;
import dev.tandem.journal.config.YamlNode;

/**
 * The ack strategies a configuration may name, and reading one from YAML:
 * <pre>
 * AckStrategy strategy = AckStrategies.fromYaml("!BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY }");
 * AckStrategy same = AckStrategies.fromYaml("{ type: BoundedWait, timeoutMs: 5, onTimeout: SEND_ANYWAY }");
 * </pre>
 * Tags: {@code !NeverTimesOut {}}, {@code !WaitForever {}}, {@code !BoundedWait { timeoutMs, onTimeout,
 * whileSecondaryAway }}; bare names {@code NEVER_TIMES_OUT}, {@code WAIT_FOREVER_FOR_REPLICA_ACK} (or a tag's name
 * alone); a user's own class by its fully qualified name as the tag ({@code !com.acme.MyStrategy { someKey: 3 }}, its
 * keys read by its own {@code readMarshallable} through Chronicle Wire). A mistyped tag fails naming it and listing
 * the valid ones. {@link AckStrategy#validate()} is left to the source context's {@code conclude()}.
 * <p>
 * Stateless; thread safe.
 */
public final class AckStrategies
{
    /** The keys of {@code !BoundedWait}, named after its setters. */
    public static final ConfigTable<BoundedWait> BOUNDED_WAIT = new ConfigTable<BoundedWait>("!BoundedWait")
        .longValue("timeoutMs", BoundedWait::timeoutMs)
        .enumValue("onTimeout", BoundedWait.OnTimeout.class, BoundedWait::onTimeout)
        .enumValue("whileSecondaryAway", BoundedWait.WhileSecondaryAway.class, BoundedWait::whileSecondaryAway);

    /** Every form an {@code ackStrategy} value may take. */
    public static final ConfigTypes<AckStrategy> TYPES = new ConfigTypes<AckStrategy>("an ack strategy")
        .type("NeverTimesOut", NeverTimesOut::new, new ConfigTable<>("!NeverTimesOut"))
        .type("WaitForever", WaitForever::new, new ConfigTable<>("!WaitForever"))
        .type("BoundedWait", BoundedWait::new, BOUNDED_WAIT)
        .scalar("NEVER_TIMES_OUT", NeverTimesOut::new)
        .scalar("WAIT_FOREVER_FOR_REPLICA_ACK", WaitForever::new)
        .classNames(AckStrategy.class, AckStrategies::userStrategy);

    private AckStrategies()
    {
    }

    /**
     * Reads one strategy from a YAML snippet.
     *
     * @throws ConfigException naming the bad tag, key or value and what is valid.
     */
    public static AckStrategy fromYaml(final String yaml)
    {
        return TYPES.fromYaml(yaml);
    }

    /** Reads one strategy from a configuration tree, e.g. the value of a {@code replication.ackStrategy} key. */
    public static AckStrategy read(final YamlNode value)
    {
        return TYPES.read(value);
    }

    private static AckStrategy userStrategy(final Class<? extends AckStrategy> type, final YamlNode keys)
    {
        return ConfigTypes.userInstance(type, keys, "an ack strategy");
    }
}
