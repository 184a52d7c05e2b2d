package com.acme.gateway;

import dev.tandem.node.NodeConfig;
import dev.tandem.node.Tandem;
import dev.tandem.node.TandemContext;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.wire.Wire;
import net.openhft.chronicle.wire.WireType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** Starts the gateway as primary or secondary, as its YAML says; Tandem's threads keep it up until SIGTERM. */
public final class GatewayMain
{
    public static void main(final String[] args) throws Exception
    {
        // the gateway's own YAML: its settings, and Tandem's under tandem:
        final Path file = Path.of(args[0]);
        final Wire yaml = WireType.YAML_ONLY.apply(Bytes.from(Files.readString(file)));
        final String reviewPrefix = yaml.read("reviewPrefix").text();
        final NodeConfig node = NodeConfig.fromYaml(file, "tandem");
        final RiskCheck risk = clOrdId -> reviewPrefix.isEmpty() || !clOrdId.startsWith(reviewPrefix);
        final String idPrefix = node.nodeId() + "-" + System.currentTimeMillis() + "-";
        final AtomicLong ids = new AtomicLong();
        final OrderGateway gateway = new OrderGateway(risk, () -> idPrefix + ids.incrementAndGet());
        final Tandem tandem = Tandem.launch(new TandemContext()
            .node(node)
            .application(gateway)
            .eventLines(System.out::println));
        Runtime.getRuntime().addShutdownHook(new Thread(tandem::close));
    }
}
