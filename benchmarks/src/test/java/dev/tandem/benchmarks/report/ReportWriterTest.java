package dev.tandem.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tandem.benchmarks.node.Acceptor;
import dev.tandem.benchmarks.node.Acceptors;
import dev.tandem.benchmarks.node.FixLoadClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report writer on a tiny real run (the load client against the raw echo server in its own process): the report's
 * files are written and are what they say they are. Not a performance test: no latency is asserted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReportWriterTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteHtmlPlotsJsonAndMarkdownOfATinyRun() throws Exception
    {
        final BenchResults results = new BenchResults()
            .meta("command", "ReportWriterTest")
            .meta("machine", Machine.describe())
            .group("node-2000", "Node-level round trip at 2,000 orders/s", "a tiny run");
        try (Acceptor echo = Acceptors.rawEcho();
            FixLoadClient client = FixLoadClient.connect("127.0.0.1", echo.fixPort(), "TW", "ISLD", 30))
        {
            client.logon(10_000);
            final FixLoadClient.RunResult first = client.run(2_000, 100, 300, 10_000);
            final FixLoadClient.RunResult second = client.run(2_000, 100, 300, 10_000);
            assertTrue(first.complete() && second.complete(), "every order echoed");
            assertEquals(300, first.histogram().getTotalCount(), "warm-up orders are not recorded");
            results.series("node-2000", "raw-echo", "raw echo server", first.histogram(), "us");
            results.series("node-2000", "tandem-like", "a second run (stands in for a Tandem series)",
                second.histogram(), "us");
        }
        results.metric("idle_cpu.raw-echo.raw-echo_pct", 0.5);
        results.metric("throughput_p99_under_1ms.raw-echo.orders_per_sec", 2_000);

        final Path index = ReportWriter.write(results, dir);

        final String html = Files.readString(index, StandardCharsets.UTF_8);
        assertTrue(html.contains("<img src=\"node-2000.png\""), html);
        assertTrue(html.contains("Ratios"), html);
        final byte[] png = Files.readAllBytes(dir.resolve("node-2000.png"));
        assertTrue(png.length > 1_000, "a PNG of " + png.length + " bytes");
        assertEquals((byte)0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(Files.size(dir.resolve("summary.md")) > 0);
        final Map<String, Double> metrics = BenchCompare.metrics(dir.resolve("results.json"));
        assertEquals(300.0, metrics.get("node-2000.raw-echo.count"));
        assertTrue(metrics.get("node-2000.raw-echo.p50_us") > 0);
        assertEquals(2_000.0, metrics.get("throughput_p99_under_1ms.raw-echo.orders_per_sec"));

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int both = BenchCompare.print(dir.resolve("results.json"), dir.resolve("results.json"),
            new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(metrics.size(), both, out.toString(StandardCharsets.UTF_8));
    }
}
