package com.acme.gateway;

import dev.tandem.node.Tandem;
import dev.tandem.node.TandemContext;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Starts the gateway as primary or secondary, as its YAML says, until SIGTERM. */
public final class GatewayMain
{
    public static void main(final String[] args) throws Exception
    {
        final GatewayConfig config = GatewayConfig.load(Path.of(args[0]));
        final OrderGateway gateway = new OrderGateway(
            new RiskCheck(config.reviewPrefix), new OrderIds(config.tandem.nodeId()));
        final Tandem tandem = Tandem.launch(new TandemContext()
            .node(config.tandem)
            .application(gateway)
            .eventLines(System.out::println));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            tandem.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
