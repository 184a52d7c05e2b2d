package dev.tandem.node;

import dev.tandem.journal.JournalDump;
import dev.tandem.journal.JvmFlagsException;
import dev.tandem.journal.JvmOptions;
import dev.tandem.node.demo.Demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;

/**
 * The command line ({@code ./tandem ...}):
 * <pre>
 * node --config FILE.yaml     run one node until killed (SIGTERM closes it cleanly)
 * journal dump DIR [...]      print a journal
 * demo [--seconds N] [--rate N] [--kill-at N] [--ack WaitForever|NeverTimesOut|BoundedWait]
 *                             primary, secondary and a failover initiator; the primary is SIGKILLed mid-stream
 * </pre>
 * Exit codes: 0 success, 1 the demo lost or duplicated something, or {@code journal dump} found the journal missing
 * or damaged, 2 bad usage, configuration or JVM flags (one line naming each missing flag, see {@link JvmOptions}),
 * 3 ({@link #EXIT_ERROR}) an unexpected error, its stack trace on stderr, 4 ({@link Node#EXIT_FAILED}) a running node
 * failed (an agent died, the journal failed or was lost) under {@code onFailure: EXIT}.
 */
public final class NodeMain
{
    /** Exit code of a command that ended with an unexpected exception (not a usage or configuration error). */
    public static final int EXIT_ERROR = 3;

    private NodeMain()
    {
    }

    public static void main(final String[] args)
    {
        // before the first log line: the logs' timestamps (simplelogger.properties) are UTC, as FIX time is
        TimeZone.setDefault(TimeZone.getTimeZone(ZoneOffset.UTC));
        System.exit(exitCode(args, System.out, System.err));
    }

    /** Runs a command and returns its exit code, {@link #EXIT_ERROR} for an exception it did not expect. */
    static int exitCode(final String[] args, final PrintStream out, final PrintStream err)
    {
        try
        {
            return run(args, out, err);
        }
        catch (final Exception ex)
        {
            err.println("tandem: " + String.join(" ", args) + " failed: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return EXIT_ERROR;
        }
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err) throws Exception
    {
        if (args.length == 0)
        {
            usage(err);
            return 2;
        }
        try
        {
            // before the configuration is read: reading YAML touches Chronicle Wire
            JvmOptions.verify();
            return command(args, out, err);
        }
        catch (final JvmFlagsException ex)
        {
            err.println(ex.getMessage());
            err.flush();
            return 2;
        }
    }

    private static int command(final String[] args, final PrintStream out, final PrintStream err) throws Exception
    {
        switch (args[0])
        {
            case "node":
                return node(Arrays.copyOfRange(args, 1, args.length), out, err);
            case "journal":
                if (args.length >= 3 && "dump".equals(args[1]))
                {
                    return JournalDump.run(Arrays.copyOfRange(args, 2, args.length), out, err);
                }
                usage(err);
                return 2;
            case "demo":
                try
                {
                    return Demo.run(Arrays.copyOfRange(args, 1, args.length), out);
                }
                catch (final IllegalArgumentException | IndexOutOfBoundsException ex)
                {
                    // Demo reads its options before it starts anything: a bad one is bad usage
                    err.println(ex.getMessage());
                    usage(err);
                    return 2;
                }
            case "-h":
            case "--help":
            case "help":
                usage(out);
                return 0;
            default:
                err.println("unknown command '" + args[0] + "'");
                usage(err);
                return 2;
        }
    }

    private static int node(final String[] args, final PrintStream out, final PrintStream err)
        throws InterruptedException
    {
        if (args.length != 2 || !"--config".equals(args[0]))
        {
            err.println("usage: node --config FILE.yaml");
            return 2;
        }
        final Tandem node;
        try
        {
            // the standalone node is the library's facade plus a YAML file
            node = Tandem.launch(TandemContext.load(Path.of(args[1])).eventLines(line ->
            {
                out.println(line);
                out.flush();
            }));
        }
        catch (final dev.tandem.journal.config.ConfigException ex)
        {
            err.println(ex.getMessage()); // TANDEM CONFIG ERROR <key path>: ...
            err.flush();
            return 2;
        }
        // SIGTERM (and Ctrl-C) ask for a clean stop here, before the JVM's own shutdown: the node closes on this
        // thread and the process exits 0, as documented. A JVM already shutting down exits 128+15 whatever main
        // returns; the shutdown hook stays for every other way out.
        final CountDownLatch stopRequested = new CountDownLatch(1);
        final sun.misc.SignalHandler stop = signal -> stopRequested.countDown();
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), stop);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), stop);
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "tandem-shutdown"));
        stopRequested.await();
        node.close();
        return 0;
    }

    private static void usage(final PrintStream out)
    {
        out.println("usage: tandem node --config FILE.yaml");
        out.println("       tandem journal dump DIR [--session ID] [--from SEQ] [--to SEQ]");
        out.println("       tandem demo [--seconds N] [--rate ORDERS_PER_SEC] [--kill-at SECOND] " +
            "[--ack WaitForever|NeverTimesOut|BoundedWait]");
        out.println("       tandem jvm-options    (the launcher prints the JVM flags for this Java: java @FILE)");
    }
}
