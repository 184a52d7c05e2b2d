package com.acme.gateway;

/** OrderIDs unique across both nodes and restarts: the node's id and start time, then a counter. */
public final class OrderIds
{
    private final String prefix;
    private long next;

    public OrderIds(final int nodeId)
    {
        this.prefix = nodeId + "-" + System.currentTimeMillis() + "-";
    }

    public String next()
    {
        return prefix + ++next;
    }
}
