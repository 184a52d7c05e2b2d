package dev.tandem.node;

/**
 * What a planned switchover asked of a node came to ({@link NodeStatus#switchover(long)}).
 *
 * @param outcome  {@code switchover} (the Hot role moved), {@code switchover-unconfirmed} (the old primary handed over
 *                 and follows, but the new one did not confirm), {@code aborted} (the secondary did not acknowledge
 *                 everything in time: the primary serves again), {@code refused} (not possible now: why says why),
 *                 {@code unknown}.
 * @param switched whether the Hot role left the old primary.
 * @param detail   what happened, for the operator.
 */
public record SwitchoverOutcome(String outcome, boolean switched, String detail)
{
}
