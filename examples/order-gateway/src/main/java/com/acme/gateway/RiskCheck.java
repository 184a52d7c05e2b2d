package com.acme.gateway;

/** The firm's pre-trade check: orders whose ClOrdID starts with the review prefix wait for a human. */
public final class RiskCheck
{
    private final String reviewPrefix;

    public RiskCheck(final String reviewPrefix)
    {
        this.reviewPrefix = reviewPrefix;
    }

    public boolean passes(final String clOrdId)
    {
        return reviewPrefix.isEmpty() || !clOrdId.startsWith(reviewPrefix);
    }
}
