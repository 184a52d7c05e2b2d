package dev.tandem.node;

/**
 * What a SECONDARY does when its primary refuses its journal as diverged (the journal holds entries the primary never
 * had, typically an old primary's unacknowledged tail): key {@code replication.onDivergence}.
 */
public enum DivergencePolicy
{
    /**
     * Close the journal, move its whole directory aside to {@code <dir>.diverged-<epoch>-<yyyyMMddHHmmss>}, open a
     * fresh journal in {@code <dir>} and catch up from position 1. Nothing is merged; the old entries stay on disk.
     */
    SET_ASIDE,

    /**
     * Stop replicating and go Stale with the reason, for an operator to decide; the admin API's
     * {@code PUT /service/rejoin} then sets the journal aside exactly as {@link #SET_ASIDE} does and rejoins, without
     * a restart.
     */
    STOP
}
