package dev.tandem.failover;

import net.openhft.chronicle.network.connection.FatalFailureMonitor;
import net.openhft.chronicle.network.connection.SocketAddressSupplier;
import net.openhft.chronicle.network.tcp.ChronicleSocketChannel;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Adapts one of Chronicle Network's connection strategies, YAML tag {@code !Chronicle}, e.g.
 * {@code !Chronicle { strategy: !AlwaysStartOnPrimary { pausePeriodMs: 50 }, logonTimeoutMs: 2000 }} or
 * {@code !Chronicle { strategy: !FatalFailure { } }}, for users who already configure them.
 * <p>
 * Chronicle's strategy chooses the acceptor and opens the TCP connection. Tandem adds the rule that only a completed
 * Logon counts: when the Logon fails on a connection Chronicle opened, the adapter moves the address supplier to the
 * next acceptor before asking Chronicle again (Chronicle's own strategies only see TCP).
 * <p>
 * Threading: not thread safe; one connecting thread.
 */
public final class ChronicleConnectionStrategy extends SelfDescribingMarshallable implements ConnectionStrategy
{
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleConnectionStrategy.class);

    private net.openhft.chronicle.network.ConnectionStrategy strategy;
    private long logonTimeoutMs = FailoverConnectionStrategy.DEFAULT_LOGON_TIMEOUT_MS;
    private String name = "tandem-initiator";

    private transient SocketAddressSupplier supplier;
    private transient List<InetSocketAddress> suppliedFor;
    private transient boolean loggedOnBefore;
    private transient String fatalFailure;

    public ChronicleConnectionStrategy()
    {
    }

    public ChronicleConnectionStrategy(final net.openhft.chronicle.network.ConnectionStrategy strategy)
    {
        this.strategy = strategy;
    }

    public net.openhft.chronicle.network.ConnectionStrategy strategy()
    {
        return strategy;
    }

    public ChronicleConnectionStrategy strategy(final net.openhft.chronicle.network.ConnectionStrategy strategy)
    {
        this.strategy = strategy;
        return this;
    }

    @Override
    public long logonTimeoutMs()
    {
        return logonTimeoutMs;
    }

    public ChronicleConnectionStrategy logonTimeoutMs(final long logonTimeoutMs)
    {
        this.logonTimeoutMs = logonTimeoutMs;
        return this;
    }

    /** The name Chronicle's strategy is given for its logs; default {@code tandem-initiator}. */
    public ChronicleConnectionStrategy name(final String name)
    {
        this.name = name;
        return this;
    }

    /** The reason Chronicle's strategy gave for giving up, or null. */
    public String fatalFailure()
    {
        return fatalFailure;
    }

    /**
     * Lets Chronicle's strategy choose the acceptor by opening a TCP connection the way it would, then closes that
     * probe connection and names the acceptor it reached; the caller connects for real.
     */
    @Override
    public int nextAttempt(final List<InetSocketAddress> addresses) throws InterruptedException
    {
        if (strategy == null)
        {
            throw new IllegalArgumentException(
                "connectionStrategy.!Chronicle.strategy: missing, expected e.g. !AlwaysStartOnPrimary { }");
        }
        if (logonTimeoutMs < 1)
        {
            throw new IllegalArgumentException(
                "connectionStrategy.!Chronicle.logonTimeoutMs: bad value " + logonTimeoutMs + ", expected at least 1");
        }
        if (supplier == null || !addresses.equals(suppliedFor))
        {
            final String[] hostPorts = new String[addresses.size()];
            for (int i = 0; i < hostPorts.length; i++)
            {
                hostPorts[i] = Addresses.format(addresses.get(i));
            }
            supplier = new SocketAddressSupplier(hostPorts, name);
            suppliedFor = List.copyOf(addresses);
        }
        final FatalFailureMonitor monitor = new FatalFailureMonitor()
        {
            @Override
            public void onFatalFailure(final String name, final String message)
            {
                fatalFailure = message;
            }
        };
        final ChronicleSocketChannel probe = strategy.connect(name, supplier, loggedOnBefore, monitor);
        if (probe == null)
        {
            LOG.warn("Chronicle strategy {} gave up: {}", strategy.getClass().getSimpleName(), fatalFailure);
            return GIVE_UP;
        }
        final int index = supplier.index();
        FailoverConnectionStrategy.closeQuietly(probe);
        return index;
    }

    @Override
    public long connectTimeoutMs()
    {
        return FailoverConnectionStrategy.DEFAULT_CONNECT_TIMEOUT_MS;
    }

    @Override
    public void onLogonCompleted(final int addressIndex)
    {
        loggedOnBefore = true;
    }

    @Override
    public void onAttemptFailed(final int addressIndex, final String reason)
    {
        loggedOnBefore = false;
        if (supplier != null)
        {
            supplier.failoverToNextAddress();
        }
    }

    @Override
    public void onSessionEnded()
    {
        // Chronicle's strategies decide from loggedOnBefore where to start again.
    }
}
