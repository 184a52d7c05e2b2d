package dev.tandem.benchmarks;

import dev.tandem.journal.JvmOptions;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * The shaded jar's main ({@code java -jar benchmarks/target/benchmarks.jar [JMH options]}): JMH's own command line,
 * with Tandem's JVM flags ({@link JvmOptions#forThisJvm()}, the argument files of tandem-journal) put in front of
 * every forked benchmark JVM, so no benchmark lists them in its {@code @Fork}. Listing and help go to JMH as they are.
 * <p>
 * Threading: the main thread only.
 */
public final class BenchmarkMain
{
    private BenchmarkMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final CommandLineOptions options = new CommandLineOptions(args);
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams() ||
            options.shouldListProfilers() || options.shouldListResultFormats())
        {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        final List<String> prepend = new ArrayList<>(JvmOptions.forThisJvm());
        if (options.getJvmArgsPrepend().hasValue())
        {
            prepend.addAll(options.getJvmArgsPrepend().get());
        }
        new Runner(new OptionsBuilder().parent(options).jvmArgsPrepend(prepend.toArray(new String[0])).build()).run();
    }
}
