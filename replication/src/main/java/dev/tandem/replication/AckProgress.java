package dev.tandem.replication;

/**
 * What a {@link AckStrategy}'s gate may know about replication: the acknowledged position, published by the
 * replication source's agent, and whether a sink is attached. Gates record their timeouts here so the source can
 * expose them as counters.
 * <p>
 * "The sink" is the standby with {@code acks: 1} (the default). With {@code acks: N} above 1 it is the standby and
 * the disaster-recovery sinks counted together: the acknowledged position is the highest one N of them hold, the
 * standby always among them, and a sink is attached while N of them are, the standby among them.
 * <p>
 * Threading: {@link #ackedPosition()} and {@link #sinkAttached()} are plain volatile reads, safe from any thread and
 * allocation-free. {@link #recordTimeout()} and {@link #recordReleasedWhileAway()} are called from a gate's
 * {@code check}, that is from the session agent's thread only (see {@code ReleaseGate}): the counters have that one
 * writer, which publishes them with ordered stores rather than atomic increments.
 */
public interface AckProgress
{
    /**
     * The highest journal position the sink has acknowledged holding (with {@code acks} above 1, that many sinks);
     * 0 before any acknowledgement. Never goes down.
     */
    long ackedPosition();

    /** True while an authenticated sink is connected and streaming (with {@code acks} above 1, that many). */
    boolean sinkAttached();

    /** A gate gave up waiting for an acknowledgement (counted). */
    void recordTimeout();

    /** A gate released a position without its acknowledgement because the secondary was away (counted). */
    void recordReleasedWhileAway();
}
