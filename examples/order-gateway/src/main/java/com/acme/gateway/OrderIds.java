package com.acme.gateway;

/** The firm's OrderID source: unique across both nodes and restarts. */
@FunctionalInterface
public interface OrderIds
{
    String next();
}
