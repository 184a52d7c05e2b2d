package dev.tandem.node;

import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.YamlNode;

/**
 * YAML section {@code recovery: { inboundTag: 11, outboundTag: 11, inboundMsgTypes: [ D, F, G ], scanEntries: 100000 }}:
 * the {@link Correlation} that tells an answered request from an unanswered one (see {@link RecoveryHandler}).
 * Every key is optional; the defaults are {@link Correlation#CL_ORD_ID_DEFAULT}'s.
 * <p>
 * Threading: read at start-up, on one thread.
 */
final class RecoveryConfig
{
    /** The section's keys, named as {@link Correlation}'s methods. */
    static final ConfigTable<RecoveryConfig> CONFIG = new ConfigTable<RecoveryConfig>("recovery")
        .intValue("inboundTag", 1, 99_999, (config, tag) -> config.correlation = config.correlation.inboundTag(tag))
        .intValue("outboundTag", 1, 99_999,
            (config, tag) -> config.correlation = config.correlation.outboundTag(tag))
        .textList("inboundMsgTypes",
            (config, types) -> config.correlation = config.correlation.inboundMsgTypes(types.toArray(new String[0])))
        .intValue("scanEntries", 1, Integer.MAX_VALUE,
            (config, entries) -> config.correlation = config.correlation.scanEntries(entries));

    private Correlation correlation = Correlation.CL_ORD_ID_DEFAULT;

    /** Reads the section into a {@link Correlation}. */
    static Correlation read(final YamlNode section)
    {
        return CONFIG.apply(section, new RecoveryConfig()).correlation;
    }
}
