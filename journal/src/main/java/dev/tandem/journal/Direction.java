package dev.tandem.journal;

/** Which way a journaled FIX message travelled, seen from the node that owns the session. */
public enum Direction
{
    /** Sent by us to the counterparty. */
    OUTBOUND,
    /** Received by us from the counterparty. */
    INBOUND
}
