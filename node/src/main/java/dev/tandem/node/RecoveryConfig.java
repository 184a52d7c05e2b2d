package dev.tandem.node;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireIn;

import java.util.ArrayList;
import java.util.List;

/**
 * YAML section {@code recovery: { inboundTag: 11, outboundTag: 11, inboundMsgTypes: [ D, F, G ], scanEntries: 100000 }}:
 * the {@link Correlation} that tells an answered request from an unanswered one (see {@link RecoveryHandler}).
 * Every key is optional; the defaults are {@link Correlation#CL_ORD_ID_DEFAULT}'s.
 * <p>
 * Threading: read at start-up, immutable afterwards.
 */
final class RecoveryConfig extends SelfDescribingMarshallable implements StrictYaml.StrictlyRead
{
    private Correlation correlation = Correlation.CL_ORD_ID_DEFAULT;

    Correlation correlation()
    {
        return correlation;
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        StrictYaml.readKeys(wire, "recovery", List.of("inboundTag", "outboundTag", "inboundMsgTypes", "scanEntries"),
            (key, in) ->
            {
                final String path = "recovery." + key;
                switch (key)
                {
                    case "inboundTag":
                        correlation = correlation.inboundTag((int)StrictYaml.longValue(path, in, 1, 99_999));
                        break;
                    case "outboundTag":
                        correlation = correlation.outboundTag((int)StrictYaml.longValue(path, in, 1, 99_999));
                        break;
                    case "scanEntries":
                        correlation = correlation.scanEntries(
                            (int)StrictYaml.longValue(path, in, 1, Integer.MAX_VALUE));
                        break;
                    default:
                        final List<String> types = new ArrayList<>();
                        in.sequence(types, (list, items) ->
                        {
                            while (items.hasNextSequenceItem())
                            {
                                list.add(items.text());
                            }
                        });
                        correlation = correlation.inboundMsgTypes(types.toArray(new String[0]));
                        break;
                }
            });
    }
}
