package dev.tandem.benchmarks.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import dev.tandem.benchmarks.report.BenchResults;

/**
 * The node-level part of a benchmark command line: which acceptors, which rates, and what is passed through to the
 * Tandem nodes. Options (each may repeat where it says so):
 * <ul>
 *   <li>{@code --rates 500,5000,20000}, {@code --warmup-ms N}, {@code --measure-ms N}, {@code --idle-ms N}</li>
 *   <li>{@code --acceptors node,pair-waitforever,pair-boundedwait,quickfixj,raw-echo} (default all),
 *       {@code --search pair-waitforever,quickfixj} (throughput search on these; {@code none} for none)</li>
 *   <li>{@code --node-yaml 'KEY: VALUE'} (repeats): a top-level NodeConfig entry added to every Tandem node, e.g. a
 *       threading or idle profile; the node validates it like any config</li>
 *   <li>{@code --node-jvm-arg ARG} (repeats): a JVM argument for every Tandem node, e.g. {@code -Dkey=value}</li>
 *   <li>{@code --variant LABEL=ENTRY} (repeats; entries of one label add up): the Tandem node and the WaitForever
 *       pair run again with these NodeConfig entries, labelled, so several profiles sit in one report</li>
 * </ul>
 * Threading: not thread safe.
 */
public final class NodeSuiteOptions
{
    private NodeLatencyHarness.Plan plan;
    private List<String> acceptors = NodeLatencyHarness.allAcceptors();
    private List<String> search = List.of("pair-waitforever", "quickfixj");
    private final List<String> nodeYaml = new ArrayList<>();
    private final List<String> nodeJvmArgs = new ArrayList<>();
    private final Map<String, List<String>> variants = new LinkedHashMap<>();

    private NodeSuiteOptions(final NodeLatencyHarness.Plan plan)
    {
        this.plan = plan;
    }

    /** Parses the node-level options; fails on anything else. */
    public static NodeSuiteOptions parse(final String[] args, final NodeLatencyHarness.Plan plan)
    {
        final NodeSuiteOptions options = new NodeSuiteOptions(plan);
        for (int i = 0; i < args.length; i += 2)
        {
            if (!options.accept(args, i))
            {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return options;
    }

    /**
     * Takes the option at {@code args[i]} and its value if it is one of this class's.
     *
     * @return false when it is not a node-level option (the caller's then).
     */
    public boolean accept(final String[] args, final int i)
    {
        final String name = args[i];
        if (!List.of("--rates", "--warmup-ms", "--measure-ms", "--idle-ms", "--acceptors", "--search", "--node-yaml",
            "--node-jvm-arg", "--variant").contains(name))
        {
            return false;
        }
        if (i + 1 >= args.length)
        {
            throw new IllegalArgumentException(name + " needs a value");
        }
        final String value = args[i + 1];
        final NodeLatencyHarness.Plan p = plan;
        switch (name)
        {
            case "--rates" -> plan = p.withRates(parseRates(value));
            case "--warmup-ms" -> plan = p.withTimes(p.prewarmMs(), positive(name, value), p.measureMs(), p.idleMs());
            case "--measure-ms" -> plan = p.withTimes(p.prewarmMs(), p.warmupMs(), positive(name, value), p.idleMs());
            case "--idle-ms" -> plan = p.withTimes(p.prewarmMs(), p.warmupMs(), p.measureMs(), positive(name, value));
            case "--acceptors" -> acceptors = names(name, value);
            case "--search" -> search = "none".equals(value) ? List.of() : names(name, value);
            case "--node-yaml" -> nodeYaml.add(value);
            case "--node-jvm-arg" -> nodeJvmArgs.add(value);
            default ->
            {
                final int equals = value.indexOf('=');
                if (equals <= 0 || equals == value.length() - 1)
                {
                    throw new IllegalArgumentException("--variant must be LABEL=ENTRY (e.g. " +
                        "'shared=threading: SHARED'), was '" + value + "'");
                }
                variants.computeIfAbsent(value.substring(0, equals), k -> new ArrayList<>())
                    .add(value.substring(equals + 1));
            }
        }
        return true;
    }

    private static int[] parseRates(final String value)
    {
        final String[] parts = value.split(",");
        final int[] rates = new int[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            rates[i] = (int)positive("--rates", parts[i].trim());
            if (rates[i] > 1_000_000)
            {
                throw new IllegalArgumentException("--rates: at most 1000000 orders/s, was " + rates[i]);
            }
        }
        return rates;
    }

    private static long positive(final String name, final String value)
    {
        try
        {
            final long parsed = Long.parseLong(value);
            if (parsed > 0)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive number, was '" + value + "'");
    }

    private static List<String> names(final String option, final String value)
    {
        final List<String> names = new ArrayList<>();
        for (final String name : value.split(","))
        {
            final String trimmed = name.trim();
            if (!NodeLatencyHarness.allAcceptors().contains(trimmed))
            {
                throw new IllegalArgumentException(option + ": unknown acceptor '" + trimmed + "'; known: " +
                    String.join(",", NodeLatencyHarness.allAcceptors()));
            }
            names.add(trimmed);
        }
        return names;
    }

    public NodeLatencyHarness.Plan plan()
    {
        return plan;
    }

    /** Replaces the plan's timings (e.g. {@code --quick}), keeping rates given with {@code --rates}. */
    public void plan(final NodeLatencyHarness.Plan plan)
    {
        this.plan = plan;
    }

    /** The defaults' node options: {@code --node-yaml} and {@code --node-jvm-arg}. */
    public Acceptors.NodeOptions nodeOptions()
    {
        return new Acceptors.NodeOptions(List.copyOf(nodeYaml), List.copyOf(nodeJvmArgs), "");
    }

    /** A description of what was passed through to the nodes, for the report; empty when nothing. */
    public String passThrough()
    {
        final List<String> parts = new ArrayList<>();
        nodeYaml.forEach(y -> parts.add("node YAML `" + y + "`"));
        nodeJvmArgs.forEach(a -> parts.add("node JVM `" + a + "`"));
        variants.forEach((label, entries) -> parts.add("variant " + label + ": `" + String.join(", ", entries) + "`"));
        return String.join("; ", parts);
    }

    /** Runs every selected acceptor, then the variants, into {@code results}. */
    public void run(final BenchResults results)
    {
        final Acceptors.NodeOptions defaults = nodeOptions();
        for (final String name : acceptors)
        {
            System.out.printf(Locale.ROOT, "node-level: %s%n", name);
            NodeLatencyHarness.measure(starter(name, defaults), plan, search.contains(name), results);
        }
        for (final Map.Entry<String, List<String>> variant : variants.entrySet())
        {
            final List<String> yaml = new ArrayList<>(nodeYaml);
            yaml.addAll(variant.getValue());
            final Acceptors.NodeOptions options =
                new Acceptors.NodeOptions(yaml, List.copyOf(nodeJvmArgs), variant.getKey());
            for (final String name : List.of("node", "pair-waitforever"))
            {
                System.out.printf(Locale.ROOT, "node-level: %s [%s]%n", name, variant.getKey());
                NodeLatencyHarness.measure(starter(name, options), plan, search.contains(name), results);
            }
        }
    }

    private static Supplier<Acceptor> starter(final String name, final Acceptors.NodeOptions options)
    {
        return switch (name)
        {
            case "node" -> () -> Acceptors.tandemNode(options);
            case "pair-waitforever" -> () -> Acceptors.tandemPair("!WaitForever { }", "WaitForever", options);
            case "pair-boundedwait" -> () -> Acceptors.tandemPair(
                "!BoundedWait { timeoutMs: 5, onTimeout: SEND_ANYWAY }", "BoundedWait", options);
            case "quickfixj" -> Acceptors::quickFixJ;
            case "raw-echo" -> Acceptors::rawEcho;
            default -> throw new IllegalArgumentException("unknown acceptor " + name);
        };
    }
}
