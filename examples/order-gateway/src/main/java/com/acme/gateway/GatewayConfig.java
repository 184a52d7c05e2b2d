package com.acme.gateway;

import dev.tandem.node.NodeConfig;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.WireType;

import java.nio.file.Files;
import java.nio.file.Path;

/** The gateway's own YAML: its settings, and Tandem's under {@code tandem:}. */
public final class GatewayConfig extends SelfDescribingMarshallable
{
    String reviewPrefix = "";
    NodeConfig tandem;

    public static GatewayConfig load(final Path file) throws java.io.IOException
    {
        return WireType.YAML_ONLY.fromString(GatewayConfig.class, Files.readString(file));
    }
}
