package dev.tandem.systemtests;

import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverListener;
import dev.tandem.node.demo.DemoCluster;
import dev.tandem.node.demo.OrderFlow;
import dev.tandem.test.Tests;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster of two node JVMs and, in the test's JVM, a failover initiator sending orders: the pieces every system
 * test needs, closed in the right order.
 */
final class Scenario implements AutoCloseable
{
    static final String FAST_STRATEGY = "!Failover { attemptsPerAddress: 1, connectTimeoutMs: 500, " +
        "logonTimeoutMs: 2000, backoffInitialMs: 10, backoffMaxMs: 100 }";

    private static final Pattern LOST_OUTBOUND = Pattern.compile("tandem_fix_lost_outbound_on_logon_total (\\d+)");

    final Path dir = Tests.tempDir("system");
    final DemoCluster cluster;
    final OrderFlow flow;
    final AtomicInteger logonsOnSecondary = new AtomicInteger();
    final AtomicInteger logonsOnPrimary = new AtomicInteger();
    volatile int lastLogonNextSender;
    volatile int lastLogonNextTarget;
    volatile long secondaryLogonNs;
    FailoverInitiator initiator;

    /** Undone after the cluster is closed and before the directory is deleted (e.g. a file system mounted in it). */
    private final AutoCloseable prepared;

    Scenario(final DemoCluster.Options options, final int ratePerSecond)
    {
        this(options, ratePerSecond, dir -> null);
    }

    /**
     * @param prepare runs on the scenario's directory before any node starts (e.g. mounts a small file system where
     *                a journal will be); what it returns is closed after the nodes, before the directory is deleted.
     */
    Scenario(final DemoCluster.Options options, final int ratePerSecond,
        final java.util.function.Function<Path, AutoCloseable> prepare)
    {
        DemoCluster started = null;
        AutoCloseable preparedHere = null;
        try
        {
            preparedHere = prepare.apply(dir);
            started = DemoCluster.start(dir, options);
            started.awaitReplicating(30_000);
        }
        catch (final RuntimeException ex)
        {
            if (started != null)
            {
                started.close();
            }
            closeQuietly(preparedHere);
            Tests.deleteRecursively(dir);
            throw ex;
        }
        cluster = started;
        prepared = preparedHere;
        flow = new OrderFlow(ratePerSecond).logonObserver((sender, target) ->
        {
            lastLogonNextSender = sender;
            lastLogonNextTarget = target;
        });
    }

    void startInitiator(final String strategy)
    {
        initiator = FailoverInitiator.start(cluster.initiatorConfig(strategy), flow, new FailoverListener()
        {
            @Override
            public void onLoggedOn(final InetSocketAddress address, final int index)
            {
                if (index == 1)
                {
                    secondaryLogonNs = System.nanoTime();
                    logonsOnSecondary.incrementAndGet();
                }
                else
                {
                    logonsOnPrimary.incrementAndGet();
                }
            }
        });
    }

    /** Waits for the initiator's {@code logons}-th Logon, on the acceptor at {@code index}. */
    void awaitLogon(final int logons, final int index)
    {
        Tests.await("initiator's Logon #" + logons + " on acceptor #" + index, Duration.ofSeconds(30),
            () -> flow.logons() >= logons && initiator.isLoggedOn() && initiator.currentIndex() == index);
    }

    void awaitSent(final long count)
    {
        Tests.await(count + " orders sent", Duration.ofSeconds(30), () -> flow.sent() >= count);
    }

    void awaitAllAnswered()
    {
        Tests.await("every order answered (sent " + flow.sent() + ", answered " + flow.answers() + ")",
            Duration.ofSeconds(30), () -> flow.answers() >= flow.sent());
    }

    /** Stops the initiator (its journal becomes readable) and returns. */
    void stopInitiator()
    {
        if (initiator != null)
        {
            initiator.close();
            initiator = null;
        }
    }

    /**
     * The node's {@code tandem_fix_lost_outbound_on_logon_total}: outbound messages a counterparty had received from
     * the previous primary that this node never held, counted when its Logon said so (NextExpectedMsgSeqNum).
     */
    static long lostOutboundOnLogon(final int adminPort)
    {
        final String metrics = DemoCluster.http("GET", adminPort, "/metrics");
        final Matcher matcher = LOST_OUTBOUND.matcher(metrics);
        assertTrue(matcher.find(), "metric tandem_fix_lost_outbound_on_logon_total in " + metrics);
        return Long.parseLong(matcher.group(1));
    }

    Path initiatorJournal()
    {
        return dir.resolve("initiator-journal");
    }

    @Override
    public void close()
    {
        stopInitiator();
        cluster.close();
        closeQuietly(prepared);
        Tests.deleteRecursively(dir);
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        if (closeable != null)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("cannot undo the scenario's preparation", ex);
            }
        }
    }
}
