package dev.tandem.benchmarks.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client JVM of the failover and switchover parts, with a stand-in child (a real JVM started the way the harnesses
 * are): what it prints arrives as it was recorded, and a child that fails or hangs is reported, not waited for.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientJvmTest
{
    /** The stand-in child: {@code ok}, {@code fail} or {@code hang}, then {@code --histograms true}. */
    public static final class Child
    {
        public static void main(final String[] args) throws Exception
        {
            if (!"--histograms".equals(args[1]) || !"true".equals(args[2]))
            {
                System.exit(3);
            }
            switch (args[0])
            {
                case "ok" ->
                {
                    System.out.println("a line of the child's own");
                    final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                    for (long ms = 1; ms <= 100; ms++)
                    {
                        histogram.recordValue(TimeUnit.MILLISECONDS.toNanos(ms));
                    }
                    ClientJvm.print("outage", histogram);
                    ClientJvm.print("verdict", "orders sent 10,\nanswered 10");
                }
                case "fail" ->
                {
                    System.out.println("something went wrong in the child");
                    System.exit(2);
                }
                default -> Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            }
        }
    }

    @Test
    void shouldHandBackTheChildsHistogramsAndResultsAsRecorded() throws Exception
    {
        final ClientJvm.Output output = ClientJvm.run(Child.class, List.of("ok"), 30_000);

        final Histogram outage = output.histogram("outage");
        assertEquals(100, outage.getTotalCount());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(50), outage.getValueAtPercentile(50),
            TimeUnit.MILLISECONDS.toNanos(50) / 500.0);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), outage.getMaxValue(), TimeUnit.MILLISECONDS.toNanos(100) / 500.0);
        assertEquals("orders sent 10, answered 10", output.results().get("verdict"));
        final IllegalStateException missing = assertThrows(IllegalStateException.class,
            () -> output.histogram("to-logon"));
        assertTrue(missing.getMessage().contains("'to-logon'"), missing.getMessage());
    }

    @Test
    void shouldReportAChildThatFailsWithItsLastLines()
    {
        final IllegalStateException failed = assertThrows(IllegalStateException.class,
            () -> ClientJvm.run(Child.class, List.of("fail"), 30_000));

        assertTrue(failed.getMessage().contains("exited with 2"), failed.getMessage());
        assertTrue(failed.getMessage().contains("something went wrong in the child"), failed.getMessage());
    }

    @Test
    void shouldKillAChildThatOverrunsItsDeadline()
    {
        final long startNs = System.nanoTime();
        final IllegalStateException hung = assertThrows(IllegalStateException.class,
            () -> ClientJvm.run(Child.class, List.of("hang"), 3_000));

        assertTrue(hung.getMessage().contains("did not finish within 3000 ms"), hung.getMessage());
        assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(30));
    }
}
