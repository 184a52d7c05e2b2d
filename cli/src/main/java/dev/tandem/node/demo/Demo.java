package dev.tandem.node.demo;

import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverListener;
import dev.tandem.node.Dirs;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code ./tandem demo}: a primary and a secondary node in their own JVMs, and in this JVM a failover initiator
 * sending orders at a steady rate to the echoing acceptor. Mid-stream the primary is killed with SIGKILL; the demo
 * prints, a line a second, the initiator moving to the secondary, logging on with continued sequence numbers and
 * recovering any gap, then a tally. Exits 1 if an order was lost or answered twice without PossDupFlag.
 */
public final class Demo
{
    private static final String STRATEGY = "!Failover { attemptsPerAddress: 1, connectTimeoutMs: 500, " +
        "logonTimeoutMs: 1000, backoffInitialMs: 10, backoffMaxMs: 100, jitterPercent: 20 }";

    private Demo()
    {
    }

    /** Runs the demo; returns the exit code. */
    public static int run(final String[] args, final PrintStream out)
    {
        int seconds = 12;
        int killAt = 4;
        int rate = 200;
        String ack = "WaitForever";
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--kill-at" -> killAt = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                case "--ack" -> ack = args[i + 1];
                default -> throw new IllegalArgumentException("demo: unknown option " + args[i]);
            }
        }
        final String ackYaml = switch (ack)
        {
            case "WaitForever" -> "!WaitForever { }";
            case "NeverTimesOut" -> "!NeverTimesOut { }";
            case "BoundedWait" -> "!BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY }";
            default -> throw new IllegalArgumentException("--ack: '" + ack +
                "' is not WaitForever, NeverTimesOut or BoundedWait");
        };
        final Path dir = tempDir();
        try
        {
            return run(out, dir, seconds, killAt, rate, ackYaml);
        }
        finally
        {
            Dirs.deleteRecursively(dir);
        }
    }

    private static int run(final PrintStream out, final Path dir, final int seconds, final int killAt, final int rate,
        final String ackYaml)
    {
        final long startNs = System.nanoTime();
        out.println("Tandem demo: primary and secondary on 127.0.0.1, ack strategy " + ackYaml + ", " + rate +
            " orders/s, primary SIGKILLed at " + killAt + " s. Working directory " + dir);
        final DemoCluster.Options options = new DemoCluster.Options()
            .ackStrategy(ackYaml)
            .activation("!TryHeartbeat { delayMs: 300 }")
            .echo(line -> stamp(out, startNs, line));
        try (DemoCluster cluster = DemoCluster.start(dir, options))
        {
            cluster.awaitReplicating(20_000);
            final OrderFlow flow = new OrderFlow(rate).logonObserver((sender, target) -> stamp(out, startNs,
                "[initiator] Logon complete: next MsgSeqNum out " + sender + ", next expected in " + target));
            final long[] failoverNs = {0, 0};
            final FailoverListener listener = new FailoverListener()
            {
                @Override
                public void onAttemptFailed(final InetSocketAddress address, final int index, final String reason)
                {
                    stamp(out, startNs, "[initiator] attempt on " + which(index) + " " + address.getPort() +
                        " failed: " + reason);
                }

                @Override
                public void onLoggedOn(final InetSocketAddress address, final int index)
                {
                    if (index == 1 && failoverNs[0] != 0 && failoverNs[1] == 0)
                    {
                        failoverNs[1] = System.nanoTime();
                    }
                    stamp(out, startNs, "[initiator] logged on to " + which(index) + " (port " +
                        address.getPort() + ")");
                }

                @Override
                public void onSessionEnded(final InetSocketAddress address, final int index)
                {
                    stamp(out, startNs, "[initiator] session with " + which(index) + " ended");
                }
            };
            final FailoverInitiator initiator = FailoverInitiator.start(
                cluster.initiatorConfig(STRATEGY), flow, listener);
            try
            {
                final long runStartNs = System.nanoTime();
                long nextTickNs = runStartNs + TimeUnit.SECONDS.toNanos(1);
                boolean killed = false;
                while (System.nanoTime() - runStartNs < TimeUnit.SECONDS.toNanos(seconds))
                {
                    final long now = System.nanoTime();
                    if (!killed && now - runStartNs >= TimeUnit.SECONDS.toNanos(killAt))
                    {
                        stamp(out, startNs, ">>> kill -9 " + cluster.primary().pid() + " (the primary) with " +
                            flow.sent() + " orders sent, " + flow.answers() + " answered");
                        failoverNs[0] = System.nanoTime();
                        cluster.primary().kill();
                        killed = true;
                    }
                    if (now - nextTickNs >= 0)
                    {
                        stamp(out, startNs, String.format("[initiator] %-9s sent %5d  answered %5d  resent-answers %d",
                            initiator.isLoggedOn() ? which(initiator.currentIndex()) : "(no one)",
                            flow.sent(), flow.answers(), flow.possDupAnswers()));
                        nextTickNs += TimeUnit.SECONDS.toNanos(1);
                    }
                    LockSupport.parkNanos(5_000_000);
                }
                flow.stopSending();
                final long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (flow.answers() < flow.sent() && System.nanoTime() - graceEnd < 0)
                {
                    LockSupport.parkNanos(10_000_000);
                }
            }
            finally
            {
                initiator.close();
            }
            final long lost = flow.unanswered();
            final long duplicates = flow.duplicates();
            out.println();
            out.println("Tally");
            out.println("  orders sent                  " + flow.sent());
            out.println("  answers received             " + flow.answers());
            out.println("  answers recovered by resend  " + flow.possDupAnswers() +
                " (PossDupFlag or PossResend=Y: gaps filled)");
            out.println("  repeats marked as possible   " + flow.possDupRepeats());
            out.println("  duplicates without PossDup   " + duplicates);
            out.println("  lost (never answered)        " + lost +
                (lost > 0 ? " (first id " + flow.firstUnanswered() + ")" : ""));
            out.println("  time to recover              " + (failoverNs[1] == 0 ? "did not recover" :
                TimeUnit.NANOSECONDS.toMillis(failoverNs[1] - failoverNs[0]) +
                " ms from SIGKILL to Logon on the secondary"));
            final boolean ok = lost == 0 && duplicates == 0 && failoverNs[1] != 0 && flow.sent() > 0;
            out.println(ok ? "RESULT: nothing lost, nothing duplicated." : "RESULT: FAILED");
            cluster.secondary().stop(5_000);
            return ok ? 0 : 1;
        }
    }

    private static String which(final int index)
    {
        return index == 0 ? "primary" : index == 1 ? "secondary" : "acceptor#" + index;
    }

    private static void stamp(final PrintStream out, final long startNs, final String line)
    {
        final long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        synchronized (out)
        {
            out.printf("%6.2fs %s%n", ms / 1000.0, line);
            out.flush();
        }
    }

    private static Path tempDir()
    {
        try
        {
            return Files.createTempDirectory("tandem-demo-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
