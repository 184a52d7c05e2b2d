package dev.tandem.journal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.tandem.journal.config.ConfigException;
import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.YamlNode;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.SelfDescribingMarshallable;
import net.openhft.chronicle.wire.ValueIn;
import net.openhft.chronicle.wire.WireIn;

/**
 * Configuration of a {@link Journal}: in code with fluent setters, or in YAML through Chronicle Wire, e.g.
 * <pre>
 * { dir: data/primary, persistence: BATCHED, syncBatchSize: 64, rollCycle: FAST_DAILY, retainCycles: 7 }
 * </pre>
 * {@link #conclude()} validates, failing with the key, the bad value and what would be valid. An unknown YAML key
 * fails too (Chronicle Wire alone would only warn).
 * <p>
 * Threading: configure on one thread, then hand to {@link Journal#open(JournalContext)}; not to be changed after.
 */
public final class JournalContext extends SelfDescribingMarshallable
{
    /** Default {@link #persistence()}: a process crash loses nothing, and an append costs well under a microsecond. */
    public static final Persistence DEFAULT_PERSISTENCE = Persistence.BUFFERED;
    /** Default {@link #maxMessageLengthBytes()}: far above any sane FIX message, well below Chronicle's limit. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH_BYTES = 64 * 1024;
    /** Upper bound of {@link #maxMessageLengthBytes()}: Chronicle documents must fit a fraction of a block. */
    public static final int MAX_MAX_MESSAGE_LENGTH_BYTES = 16 * 1024 * 1024;
    /** Default {@link #rollCycle()}: one file per day matches a FIX session's usual daily cycle. */
    public static final String DEFAULT_ROLL_CYCLE = "FAST_DAILY";
    /** Default {@link #retainCycles()}: 0 keeps every cycle file; deleting audit history is the user's choice. */
    public static final int DEFAULT_RETAIN_CYCLES = 0;
    /** Default {@link #syncBatchSize()}: measured here, syncing every 100 appends keeps >100k appends/s. */
    public static final int DEFAULT_SYNC_BATCH_SIZE = 100;

    /**
     * Default {@link #pretouchAheadBytes()}: 16 pages keep the next few dozen appends off a page fault, touched a few
     * pages per idle duty cycle (see {@link Journal#pretouch()}).
     */
    public static final int DEFAULT_PRETOUCH_AHEAD_BYTES = 64 * 1024;
    /** Upper bound of {@link #pretouchAheadBytes()}. */
    public static final int MAX_PRETOUCH_AHEAD_BYTES = 16 * 1024 * 1024;

    /**
     * The YAML keys of a journal, one per fluent setter with the setter's name: what a node's {@code journal:} section
     * and {@link #fromYaml(String)} read. {@link #timeProvider(TimeProvider)} is for code only.
     */
    public static final ConfigTable<JournalContext> CONFIG = new ConfigTable<JournalContext>("journal")
        .text("dir", JournalContext::dir)
        .enumValue("persistence", Persistence.class, JournalContext::persistence)
        .intValue("maxMessageLengthBytes", JournalContext::maxMessageLengthBytes)
        .text("rollCycle", JournalContext::rollCycle)
        .intValue("retainCycles", JournalContext::retainCycles)
        .intValue("syncBatchSize", JournalContext::syncBatchSize)
        .intValue("pretouchAheadBytes", JournalContext::pretouchAheadBytes);

    private String dir;
    private Persistence persistence = DEFAULT_PERSISTENCE;
    private int maxMessageLengthBytes = DEFAULT_MAX_MESSAGE_LENGTH_BYTES;
    private String rollCycle = DEFAULT_ROLL_CYCLE;
    private int retainCycles = DEFAULT_RETAIN_CYCLES;
    private int syncBatchSize = DEFAULT_SYNC_BATCH_SIZE;
    private int pretouchAheadBytes = DEFAULT_PRETOUCH_AHEAD_BYTES;

    {
        // the default clock below is Chronicle's, its first touch (it loads native code): check the JVM flags first
        JvmOptions.verify();
    }

    private transient TimeProvider timeProvider = SystemTimeProvider.INSTANCE;
    private transient RollCycle resolvedRollCycle;

    /**
     * Reads a context from YAML, e.g. {@code { dir: data/primary, persistence: BATCHED, syncBatchSize: 64 }}, through
     * {@link #CONFIG}; call {@link #conclude()} afterwards.
     *
     * @throws dev.tandem.journal.config.ConfigException naming the key and the bad value.
     */
    public static JournalContext fromYaml(final String yaml)
    {
        return CONFIG.fromYaml(yaml, new JournalContext());
    }

    /** The directory that holds the queue files; created if missing. YAML key {@code dir}, required. */
    public JournalContext dir(final String dir)
    {
        this.dir = dir;
        return this;
    }

    public String dir()
    {
        return dir;
    }

    /** What an append survives before it returns; YAML key {@code persistence}, default BUFFERED. */
    public JournalContext persistence(final Persistence persistence)
    {
        this.persistence = persistence;
        return this;
    }

    public Persistence persistence()
    {
        return persistence;
    }

    /** Longest FIX message accepted, in bytes; YAML key {@code maxMessageLengthBytes}, default 65536. */
    public JournalContext maxMessageLengthBytes(final int maxMessageLengthBytes)
    {
        this.maxMessageLengthBytes = maxMessageLengthBytes;
        return this;
    }

    public int maxMessageLengthBytes()
    {
        return maxMessageLengthBytes;
    }

    /**
     * How often a new queue file starts: a name of Chronicle's {@code RollCycles} (e.g. {@code FAST_HOURLY},
     * {@code FAST_DAILY}, {@code WEEKLY}) or {@code TestRollCycles}; YAML key {@code rollCycle}, default FAST_DAILY.
     * Must stay the same for the life of a journal directory.
     */
    public JournalContext rollCycle(final String rollCycle)
    {
        this.rollCycle = rollCycle;
        return this;
    }

    public String rollCycle()
    {
        return rollCycle;
    }

    /**
     * How many of the newest cycle files to keep; older ones are deleted at each roll and on open. 0 keeps all.
     * YAML key {@code retainCycles}, default 0.
     */
    public JournalContext retainCycles(final int retainCycles)
    {
        this.retainCycles = retainCycles;
        return this;
    }

    public int retainCycles()
    {
        return retainCycles;
    }

    /** For {@link Persistence#BATCHED}: flush to disk every this many appends; YAML key {@code syncBatchSize}. */
    public JournalContext syncBatchSize(final int syncBatchSize)
    {
        this.syncBatchSize = syncBatchSize;
        return this;
    }

    public int syncBatchSize()
    {
        return syncBatchSize;
    }

    /**
     * How far ahead of the next append {@link Journal#pretouch()} keeps the current cycle file's pages touched, so
     * the page fault of a first write to a page is taken while the owner is idle rather than inside an append; 0
     * turns it off. YAML key {@code pretouchAheadBytes}, default 65536.
     */
    public JournalContext pretouchAheadBytes(final int pretouchAheadBytes)
    {
        this.pretouchAheadBytes = pretouchAheadBytes;
        return this;
    }

    public int pretouchAheadBytes()
    {
        return pretouchAheadBytes;
    }

    /** The wall clock that decides roll cycles (code only, for tests); default the system clock. */
    public JournalContext timeProvider(final TimeProvider timeProvider)
    {
        this.timeProvider = timeProvider;
        return this;
    }

    public TimeProvider timeProvider()
    {
        return timeProvider;
    }

    /** The Chronicle roll cycle named by {@link #rollCycle()}; valid after {@link #conclude()}. */
    public RollCycle resolvedRollCycle()
    {
        return resolvedRollCycle;
    }

    /**
     * Validates every value and resolves the roll cycle.
     *
     * @throws JournalException naming the key, the value and what would be valid.
     */
    public JournalContext conclude()
    {
        if (dir == null || dir.isBlank())
        {
            throw invalid("dir", dir, "a directory path (required)");
        }
        if (persistence == null)
        {
            throw invalid("persistence", null, "one of BUFFERED, BATCHED, SYNC");
        }
        if (maxMessageLengthBytes < 1 || maxMessageLengthBytes > MAX_MAX_MESSAGE_LENGTH_BYTES)
        {
            throw invalid("maxMessageLengthBytes", maxMessageLengthBytes,
                "an integer from 1 to " + MAX_MAX_MESSAGE_LENGTH_BYTES);
        }
        resolvedRollCycle = resolveRollCycle(rollCycle);
        if (resolvedRollCycle == null)
        {
            throw invalid("rollCycle", rollCycle, "a name from Chronicle RollCycles, e.g. FAST_HOURLY, FAST_DAILY, " +
                "WEEKLY, or TestRollCycles, e.g. TEST_SECONDLY");
        }
        if (retainCycles < 0)
        {
            throw invalid("retainCycles", retainCycles, "0 (keep all) or a positive number of cycle files");
        }
        if (syncBatchSize < 1)
        {
            throw invalid("syncBatchSize", syncBatchSize, "a positive number of appends");
        }
        if (pretouchAheadBytes < 0 || pretouchAheadBytes > MAX_PRETOUCH_AHEAD_BYTES)
        {
            throw invalid("pretouchAheadBytes", pretouchAheadBytes, "0 (off) up to " + MAX_PRETOUCH_AHEAD_BYTES);
        }
        if (timeProvider == null)
        {
            throw invalid("timeProvider", null, "a clock");
        }
        return this;
    }

    /**
     * Reads the YAML keys through {@link #CONFIG}, the same table as {@link #fromYaml(String)}, so that Chronicle
     * Wire ({@code Marshallable.fromString}) reads a journal exactly as a node does: an unknown key or a value of the
     * wrong kind fails naming the key and the value (Chronicle Wire alone would log a warning and carry on with a
     * default). Every value of a journal is a scalar.
     */
    @Override
    public void readMarshallable(final WireIn wire)
    {
        final Map<String, YamlNode> entries = new LinkedHashMap<>();
        while (wire.isNotEmptyAfterPadding())
        {
            final String key = wire.readEvent(String.class);
            if (key == null)
            {
                break;
            }
            final ValueIn in = wire.getValueIn();
            if (entries.put(key, YamlNode.scalar(YamlNode.child("journal", key), null, in.text())) != null)
            {
                throw new ConfigException("journal." + key + ": given twice");
            }
        }
        CONFIG.apply(YamlNode.map("journal", null, entries), this);
    }

    private static RollCycle resolveRollCycle(final String name)
    {
        if (name == null)
        {
            return null;
        }
        final String upper = name.trim().toUpperCase(Locale.ROOT);
        for (final RollCycles cycle : RollCycles.values())
        {
            if (cycle.name().equals(upper))
            {
                return cycle;
            }
        }
        for (final TestRollCycles cycle : TestRollCycles.values())
        {
            if (cycle.name().equals(upper))
            {
                return cycle;
            }
        }
        return null;
    }

    private static JournalException invalid(final String key, final Object value, final String valid)
    {
        return new JournalException("journal config: invalid value '" + value + "' for key '" + key +
            "'; valid: " + valid);
    }
}
