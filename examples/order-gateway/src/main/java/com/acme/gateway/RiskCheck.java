package com.acme.gateway;

/** The firm's pre-trade check. */
@FunctionalInterface
public interface RiskCheck
{
    boolean passes(String clOrdId);
}
