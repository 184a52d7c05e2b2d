package dev.tandem.failover;

import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Tandem's own strategy, YAML tag {@code !Failover}: tries the acceptors in order, {@link #attemptsPerAddress} times
 * each before moving to the next, waiting {@link #backoffInitialMs} between attempts, doubling the wait after every
 * full round in which no acceptor completed a Logon, up to {@link #backoffMaxMs}, with up to
 * {@link #jitterPercent}% taken off at random so that many initiators do not reconnect in step.
 * <p>
 * After a failover it stays on the acceptor that logged it on; when that session ends it tries that acceptor first
 * again, unless {@link #returnToPrimary} is set, in which case it starts again from the primary (the first address).
 * <p>
 * When the session ends with a Logout announcing a planned switchover ({@link #onSwitchoverAnnounced()}), the Hot
 * role is moving to the next acceptor: it is tried at once, and while it resets the connection (it is still
 * activating) tried again every {@link #switchoverRetryMs} for up to {@link #switchoverWindowMs}, without the backoff
 * and without going back to the acceptor that logged us out; after the window, the rounds above resume.
 * <p>
 * The decisions ({@link #nextAddressIndex}, {@link #delayBeforeNextAttemptMs}, {@link #onAttemptFailed}) take no
 * clock and no socket, so they can be tested by hand; {@link #nextAttempt} puts them to work for the
 * {@link FailoverInitiator}, which opens the connections.
 * <p>
 * Threading: not thread safe; one connecting thread. The configuration fields are read once {@link #conclude()} is
 * called and must not change afterwards.
 */
public final class FailoverConnectionStrategy extends SelfDescribingMarshallable implements ConnectionStrategy
{
    /** Two tries: one dropped SYN or a restarting listener does not move us off the primary. */
    public static final int DEFAULT_ATTEMPTS_PER_ADDRESS = 2;
    /** Loopback and LAN connects take well under a millisecond; a second means the host is not there. */
    public static final long DEFAULT_CONNECT_TIMEOUT_MS = 1_000;
    /** A live acceptor answers a Logon in milliseconds; two seconds leaves room for a loaded host. */
    public static final long DEFAULT_LOGON_TIMEOUT_MS = 2_000;
    /** Short enough that failover to a secondary that is already Hot takes tens of milliseconds. */
    public static final long DEFAULT_BACKOFF_INITIAL_MS = 25;
    /** Caps how long a recovered acceptor may wait for us: one second, well inside a heartbeat interval. */
    public static final long DEFAULT_BACKOFF_MAX_MS = 1_000;
    /** Spreads reconnects of many initiators without making any one much slower. */
    public static final int DEFAULT_JITTER_PERCENT = 20;
    /**
     * A switchover's new primary takes its Hot role within milliseconds of the Logout and holds connections from then
     * on; until then it resets them. Retrying every millisecond adds at most that to the outage.
     */
    public static final long DEFAULT_SWITCHOVER_RETRY_MS = 1;
    /**
     * A planned switchover that completes does so within a second on a loaded host; one that aborts leaves the old
     * primary serving again, which the ordinary rounds then find.
     */
    public static final long DEFAULT_SWITCHOVER_WINDOW_MS = 1_000;

    private int attemptsPerAddress = DEFAULT_ATTEMPTS_PER_ADDRESS;
    private long connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    private long logonTimeoutMs = DEFAULT_LOGON_TIMEOUT_MS;
    private long backoffInitialMs = DEFAULT_BACKOFF_INITIAL_MS;
    private long backoffMaxMs = DEFAULT_BACKOFF_MAX_MS;
    private int jitterPercent = DEFAULT_JITTER_PERCENT;
    private boolean returnToPrimary = false;
    /** 0: never give up. */
    private long maxConsecutiveFailures = 0;
    private long switchoverRetryMs = DEFAULT_SWITCHOVER_RETRY_MS;
    private long switchoverWindowMs = DEFAULT_SWITCHOVER_WINDOW_MS;

    private transient int addressCount;
    private transient int currentIndex;
    private transient int failuresAtCurrent;
    private transient long consecutiveFailures;
    /** Attempts left on the announced next acceptor after a switchover Logout; 0 outside a switchover. */
    private transient long switchoverAttemptsLeft;
    /** Whether an attempt in the current switchover window failed: the next one waits {@link #switchoverRetryMs}. */
    private transient boolean switchoverAttemptFailed;
    private transient DoubleSupplier random;
    private transient boolean concluded;

    private static final Logger LOG = LoggerFactory.getLogger(FailoverConnectionStrategy.class);

    public int attemptsPerAddress()
    {
        return attemptsPerAddress;
    }

    /** Failed attempts on one acceptor before moving to the next: at least 1. */
    public FailoverConnectionStrategy attemptsPerAddress(final int attemptsPerAddress)
    {
        this.attemptsPerAddress = attemptsPerAddress;
        return this;
    }

    public long connectTimeoutMs()
    {
        return connectTimeoutMs;
    }

    /** How long a TCP connect may take, in ms. */
    public FailoverConnectionStrategy connectTimeoutMs(final long connectTimeoutMs)
    {
        this.connectTimeoutMs = connectTimeoutMs;
        return this;
    }

    @Override
    public long logonTimeoutMs()
    {
        return logonTimeoutMs;
    }

    /** How long the Logon reply may take on a fresh connection, in ms. */
    public FailoverConnectionStrategy logonTimeoutMs(final long logonTimeoutMs)
    {
        this.logonTimeoutMs = logonTimeoutMs;
        return this;
    }

    public long backoffInitialMs()
    {
        return backoffInitialMs;
    }

    /** The wait after a failed attempt during the first round through the acceptors, in ms; 0 allowed. */
    public FailoverConnectionStrategy backoffInitialMs(final long backoffInitialMs)
    {
        this.backoffInitialMs = backoffInitialMs;
        return this;
    }

    public long backoffMaxMs()
    {
        return backoffMaxMs;
    }

    /** The most the wait between attempts may grow to, in ms. */
    public FailoverConnectionStrategy backoffMaxMs(final long backoffMaxMs)
    {
        this.backoffMaxMs = backoffMaxMs;
        return this;
    }

    public int jitterPercent()
    {
        return jitterPercent;
    }

    /** Up to this share of each wait is taken off at random: 0..100. */
    public FailoverConnectionStrategy jitterPercent(final int jitterPercent)
    {
        this.jitterPercent = jitterPercent;
        return this;
    }

    public boolean returnToPrimary()
    {
        return returnToPrimary;
    }

    /** When a session ends, start again from the primary rather than from the acceptor that last logged us on. */
    public FailoverConnectionStrategy returnToPrimary(final boolean returnToPrimary)
    {
        this.returnToPrimary = returnToPrimary;
        return this;
    }

    public long maxConsecutiveFailures()
    {
        return maxConsecutiveFailures;
    }

    /** Give up after this many failed attempts in a row; 0 (the default) never gives up. */
    public FailoverConnectionStrategy maxConsecutiveFailures(final long maxConsecutiveFailures)
    {
        this.maxConsecutiveFailures = maxConsecutiveFailures;
        return this;
    }

    public long switchoverRetryMs()
    {
        return switchoverRetryMs;
    }

    /** After a Logout announcing a planned switchover, the wait between attempts on the next acceptor, in ms. */
    public FailoverConnectionStrategy switchoverRetryMs(final long switchoverRetryMs)
    {
        this.switchoverRetryMs = switchoverRetryMs;
        return this;
    }

    public long switchoverWindowMs()
    {
        return switchoverWindowMs;
    }

    /**
     * After a Logout announcing a planned switchover, how long the next acceptor is retried every
     * {@link #switchoverRetryMs} before the ordinary rounds resume, in ms; 0 treats such a Logout like any other end.
     */
    public FailoverConnectionStrategy switchoverWindowMs(final long switchoverWindowMs)
    {
        this.switchoverWindowMs = switchoverWindowMs;
        return this;
    }

    /** Source of uniform randoms in [0, 1) for the jitter; tests pass a fixed one. */
    public FailoverConnectionStrategy random(final DoubleSupplier random)
    {
        this.random = random;
        return this;
    }

    /**
     * Validates the settings and fills in defaults.
     *
     * @throws IllegalArgumentException naming the key and the bad value.
     */
    public FailoverConnectionStrategy conclude()
    {
        require(attemptsPerAddress >= 1, "attemptsPerAddress", attemptsPerAddress, "at least 1");
        require(connectTimeoutMs >= 1, "connectTimeoutMs", connectTimeoutMs, "at least 1");
        require(logonTimeoutMs >= 1, "logonTimeoutMs", logonTimeoutMs, "at least 1");
        require(backoffInitialMs >= 0, "backoffInitialMs", backoffInitialMs, "0 or more");
        require(backoffMaxMs >= backoffInitialMs, "backoffMaxMs", backoffMaxMs,
            "at least backoffInitialMs (" + backoffInitialMs + ")");
        require(jitterPercent >= 0 && jitterPercent <= 100, "jitterPercent", jitterPercent, "0..100");
        require(maxConsecutiveFailures >= 0, "maxConsecutiveFailures", maxConsecutiveFailures, "0 (never) or more");
        require(switchoverRetryMs >= 1, "switchoverRetryMs", switchoverRetryMs, "at least 1");
        require(switchoverWindowMs >= 0, "switchoverWindowMs", switchoverWindowMs, "0 (off) or more");
        if (random == null)
        {
            final SplittableRandom splittableRandom = new SplittableRandom();
            random = splittableRandom::nextDouble;
        }
        concluded = true;
        return this;
    }

    private static void require(final boolean ok, final String key, final Object value, final String valid)
    {
        if (!ok)
        {
            throw new IllegalArgumentException(
                "connectionStrategy.!Failover." + key + ": bad value " + value + ", expected " + valid);
        }
    }

    /**
     * The index of the acceptor to try next.
     *
     * @param count how many acceptors are configured.
     */
    public int nextAddressIndex(final int count)
    {
        if (count != addressCount)
        {
            addressCount = count;
            currentIndex = 0;
            failuresAtCurrent = 0;
        }
        return currentIndex;
    }

    /**
     * How long to wait before the next attempt, in ms: 0 for the first attempt and after a session ended, else the
     * backoff for the failures so far, less the jitter; in a switchover's window, {@link #switchoverRetryMs} after a
     * failed attempt (no jitter: the wait is already at its smallest).
     */
    public long delayBeforeNextAttemptMs()
    {
        if (switchoverAttemptsLeft > 0)
        {
            return switchoverAttemptFailed ? switchoverRetryMs : 0;
        }
        if (consecutiveFailures == 0)
        {
            return 0;
        }
        final long perRound = (long)attemptsPerAddress * Math.max(1, addressCount);
        final long rounds = (consecutiveFailures - 1) / perRound;
        long base = backoffInitialMs;
        for (long i = 0; i < rounds && base < backoffMaxMs; i++)
        {
            base = base == 0 ? 0 : base * 2;
        }
        base = Math.min(base, backoffMaxMs);
        final double jitter = jitterPercent / 100.0 * (random == null ? 0.0 : random.getAsDouble());
        return Math.max(0, Math.round(base * (1.0 - jitter)));
    }

    /**
     * Records a failed attempt on the current acceptor; moves on once it has had its share. During a switchover's
     * window it stays on the announced acceptor, and the window's attempts count as one failure, taken when the window
     * runs out; the ordinary rounds then start from the next acceptor.
     */
    public void onAttemptFailed()
    {
        if (switchoverAttemptsLeft > 0)
        {
            switchoverAttemptFailed = true;
            if (--switchoverAttemptsLeft > 0)
            {
                return;
            }
            failuresAtCurrent = attemptsPerAddress - 1;
        }
        consecutiveFailures++;
        if (++failuresAtCurrent >= attemptsPerAddress)
        {
            failuresAtCurrent = 0;
            currentIndex = addressCount == 0 ? 0 : (currentIndex + 1) % addressCount;
        }
    }

    /** Whether the strategy has given up ({@link #maxConsecutiveFailures} reached). */
    public boolean hasGivenUp()
    {
        return maxConsecutiveFailures > 0 && consecutiveFailures >= maxConsecutiveFailures;
    }

    /** Failed attempts since the last completed Logon. */
    public long consecutiveFailures()
    {
        return consecutiveFailures;
    }

    @Override
    public int nextAttempt(final List<InetSocketAddress> addresses) throws InterruptedException
    {
        if (!concluded)
        {
            conclude();
        }
        if (hasGivenUp())
        {
            LOG.warn("giving up after {} failed attempts in a row", consecutiveFailures);
            return GIVE_UP;
        }
        final int index = nextAddressIndex(addresses.size());
        final long delayMs = delayBeforeNextAttemptMs();
        if (delayMs > 0)
        {
            TimeUnit.MILLISECONDS.sleep(delayMs);
        }
        if (Thread.currentThread().isInterrupted())
        {
            throw new InterruptedException();
        }
        return index;
    }

    @Override
    public void onLogonCompleted(final int addressIndex)
    {
        switchoverAttemptsLeft = 0;
        consecutiveFailures = 0;
        failuresAtCurrent = 0;
        currentIndex = addressIndex;
    }

    @Override
    public void onAttemptFailed(final int addressIndex, final String reason)
    {
        onAttemptFailed();
    }

    @Override
    public void onSessionEnded()
    {
        switchoverAttemptsLeft = 0;
        consecutiveFailures = 0;
        failuresAtCurrent = 0;
        if (returnToPrimary)
        {
            currentIndex = 0;
        }
    }

    /**
     * The session ended with a Logout announcing a planned switchover: the next acceptor is tried at once, then every
     * {@link #switchoverRetryMs} for up to {@link #switchoverWindowMs} (at least once), whatever
     * {@link #returnToPrimary} says: the role has moved there. With a window of 0, or a single acceptor, as
     * {@link #onSessionEnded()}.
     */
    @Override
    public void onSwitchoverAnnounced()
    {
        onSessionEnded();
        if (switchoverWindowMs == 0 || addressCount < 2)
        {
            return;
        }
        currentIndex = (currentIndex + 1) % addressCount;
        switchoverAttemptFailed = false;
        switchoverAttemptsLeft = Math.max(1, (switchoverWindowMs + switchoverRetryMs - 1) / switchoverRetryMs);
    }

    static void closeQuietly(final AutoCloseable closeable)
    {
        if (closeable != null)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ignore)
            {
                // nothing more to do with a channel that failed
            }
        }
    }
}
