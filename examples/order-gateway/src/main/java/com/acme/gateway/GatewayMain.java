package com.acme.gateway;

import dev.tandem.node.NodeConfig;
import dev.tandem.node.Tandem;
import dev.tandem.node.TandemContext;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Starts the gateway as primary or secondary, as its YAML says; Tandem's threads keep it up until SIGTERM. */
public final class GatewayMain
{
    /** The gateway's own YAML: its settings, and Tandem's under {@code tandem:}. */
    public static final class GatewayConfig extends SelfDescribingMarshallable
    {
        String reviewPrefix = "";
        NodeConfig tandem;
    }

    public static void main(final String[] args) throws Exception
    {
        final String yaml = Files.readString(Path.of(args[0]));
        final GatewayConfig config = WireType.YAML_ONLY.fromString(GatewayConfig.class, yaml);
        final RiskCheck risk = clOrdId -> config.reviewPrefix.isEmpty() || !clOrdId.startsWith(config.reviewPrefix);
        final String idPrefix = config.tandem.nodeId() + "-" + System.currentTimeMillis() + "-";
        final AtomicLong ids = new AtomicLong();
        final OrderGateway gateway = new OrderGateway(risk, () -> idPrefix + ids.incrementAndGet());
        final Tandem tandem = Tandem.launch(new TandemContext()
            .node(config.tandem)
            .application(gateway)
            .eventLines(System.out::println));
        Runtime.getRuntime().addShutdownHook(new Thread(tandem::close));
    }
}
