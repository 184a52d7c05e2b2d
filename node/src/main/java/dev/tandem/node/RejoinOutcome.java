package dev.tandem.node;

/**
 * What an operator's rejoin came to ({@link NodeStatus#rejoin(String, long)}): a node left Stale by a diverged journal
 * sets it aside and turns Warm, catching up from its primary.
 *
 * @param outcome  {@code rejoined} (set aside, Warm, catching up), {@code refused} (the node may not rejoin this way
 *                 now: detail says why), {@code failed} (the journal could not be moved; the node stays Stale),
 *                 {@code unknown} (no outcome within the wait).
 * @param rejoined whether the node set its journal aside and turned Warm.
 * @param setAside where the diverged journal went, empty unless rejoined.
 * @param detail   what happened, for the operator.
 */
public record RejoinOutcome(String outcome, boolean rejoined, String setAside, String detail)
{
}
