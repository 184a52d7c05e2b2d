package dev.tandem.journal;

import static dev.tandem.journal.EntryDescriptor.*;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wire;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only journal of FIX messages and sequence-number changes over a Chronicle Queue. Every entry has a
 * 1-based, gap-free {@code position} stored in the entry itself, the same on the primary and on its replicas;
 * replication speaks in positions, never in Chronicle indices. Entry layout: see the module README.
 * <p>
 * Opening a journal recovers, for every session, the next sender and next expected target seq nums and an index of
 * where each outbound MsgSeqNum is, so a resend never scans the journal.
 * <p>
 * Threading: appends, {@link #readOutbound}, {@link #sync()} and the per-session state accessors are called from
 * one thread (the owner: the session agent on a primary, the replication sink's agent on a secondary). Ownership
 * may move to another thread after a happens-before edge (for example the old owner's thread was joined).
 * {@link #reader(long)} may be called from any thread, and each reader used by one thread at a time.
 * {@link #lastPosition()} may be read from any thread: the owner publishes it with an ordered store (release) after
 * each append, not a volatile one, so an append pays no full fence; a reader on another thread sees a position only
 * once the entry's bytes are written. {@link #close()} is called by the owner after every reader is closed.
 */
public final class Journal implements AutoCloseable
{
    /** Key in Chronicle's metadata table that holds the journal format version. */
    static final String FORMAT_VERSION_KEY = "tandem.journal.formatVersion";

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final VarHandle LAST_POSITION;

    static
    {
        try
        {
            LAST_POSITION = MethodHandles.lookup().findVarHandle(Journal.class, "lastPosition", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final JournalContext context;
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final DirectoryLock lock;
    private final RollCycle rollCycle;
    private final CycleFiles files;
    private final SnapshotStore snapshots;
    private final SessionTable sessions = new SessionTable();
    private final EntryChecksum checksum = new EntryChecksum();
    private final EntryFlyweight readEntry = new EntryFlyweight();
    /** The page size pretouching steps by (the usual 4 KiB; a larger page is touched more than once, harmlessly). */
    static final int PAGE_BYTES = 4096;
    /** At most this many pages per {@link #pretouch()} call, so an idle duty cycle stays short (~a microsecond each). */
    static final int PRETOUCH_PAGES_PER_CALL = 4;

    private final EntryFlyweight writeEntry = new EntryFlyweight();
    private final byte[] headerBytes = new byte[HEADER_LENGTH];
    private final UnsafeBuffer header = new UnsafeBuffer(headerBytes);
    private final int maxMessageLengthBytes;
    private final Persistence persistence;
    private final int syncBatchSize;
    private final int pretouchAheadBytes;
    /** The appender's bytes {@link #pretouchedUpTo} refers to: another object means another cycle file. */
    private Bytes<?> pretouchBytes;
    /** Pages of the current cycle file below this offset have been touched (or written). */
    private long pretouchedUpTo;
    private ExcerptAppender appender;
    private ExcerptTailer ownerTailer;
    /** Written by the owner only, through {@link #publishLastPosition}; read anywhere (a volatile read). */
    private volatile long lastPosition;
    /** Owner's thread: the last position {@link #signalAppends()} woke the streaming agent for. */
    private long signalledPosition;
    private volatile dev.tandem.journal.idle.IdleWaker appendWaker;
    private long firstPosition;
    private int lastCycle = Integer.MIN_VALUE;
    private int unsyncedAppends;
    private boolean closed;
    private volatile String failure;

    private Journal(
        final JournalContext context, final Path dir, final SingleChronicleQueue queue, final DirectoryLock lock)
    {
        this.context = context;
        this.lock = lock;
        this.dir = dir;
        this.queue = queue;
        // an existing queue keeps the roll cycle it was created with, whatever the configuration now says
        this.files = new CycleFiles(dir, queue);
        this.rollCycle = files.rollCycle();
        this.snapshots = new SnapshotStore(dir);
        this.maxMessageLengthBytes = context.maxMessageLengthBytes();
        this.persistence = context.persistence();
        this.syncBatchSize = context.syncBatchSize();
        this.pretouchAheadBytes = context.pretouchAheadBytes();
    }

    /**
     * Opens the journal in {@code context.dir()}, creating it if missing, and recovers every session's state.
     *
     * @throws JournalException for bad configuration, an unusable directory, an incompatible format version, or
     *                          damaged files (naming the file and the entry).
     * @throws JvmFlagsException when this JVM lacks flags of {@link JvmOptions#RESOURCE}, before anything is created.
     */
    public static Journal open(final JournalContext context)
    {
        JvmOptions.verify(); // before Chronicle is touched and before anything is created on disk
        context.conclude();
        final Path dir = prepareDir(context.dir());
        final DirectoryLock lock = DirectoryLock.acquire(dir);
        final SingleChronicleQueue queue;
        final CycleClock cycleClock = new CycleClock(context.timeProvider());
        try
        {
            queue = SingleChronicleQueueBuilder.binary(dir)
                .rollCycle(context.resolvedRollCycle())
                .timeProvider(cycleClock)
                // without a sync mode Chronicle's appender.sync() does nothing at all
                .syncMode(context.persistence() == Persistence.BUFFERED ? SyncMode.NONE : SyncMode.SYNC)
                .build();
        }
        catch (final RuntimeException ex)
        {
            lock.close();
            throw new JournalException("cannot open journal in " + dir + ": " + ex, ex);
        }

        final Journal journal = new Journal(context, dir, queue, lock);
        try
        {
            journal.checkFormatVersion();
            journal.recover();
            journal.holdCycleAtLeastNewest(cycleClock);
            journal.appender = queue.createAppender();
            journal.appender.singleThreadedCheckDisabled(true);
            journal.applyRetention();
            LOG.info("journal {} open: {} sessions, positions {}..{}, persistence {}",
                dir, journal.sessions.size(), journal.firstPosition, journal.lastPosition, journal.persistence);
            return journal;
        }
        catch (final RuntimeException ex)
        {
            journal.close();
            if (ex instanceof JournalException)
            {
                throw ex;
            }
            throw new JournalException("cannot recover journal in " + dir + ": " + ex, ex);
        }
    }

    private static Path prepareDir(final String dirName)
    {
        final Path dir = Path.of(dirName).toAbsolutePath();
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new JournalException("journal dir '" + dir + "' exists and is not a directory");
        }
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new JournalException("journal dir '" + dir + "' cannot be created: " + ex, ex);
        }
        if (!Files.isWritable(dir) || !Files.isExecutable(dir))
        {
            throw new JournalException("journal dir '" + dir + "' is not writable by this process");
        }
        return dir;
    }

    private void checkFormatVersion()
    {
        final long version = queue.tableStoreGet(FORMAT_VERSION_KEY);
        final boolean empty = queue.firstCycle() == Integer.MAX_VALUE || queue.lastIndex() < 0;
        if (version == VERSION)
        {
            return;
        }
        if (version == Long.MIN_VALUE)
        {
            if (!empty)
            {
                throw new JournalException("journal dir '" + dir + "' holds a Chronicle Queue without a Tandem " +
                    "journal format version: it was not written by this journal (or by a version before 1); " +
                    "refusing to read it");
            }
            queue.tableStorePut(FORMAT_VERSION_KEY, VERSION);
            return;
        }
        throw new JournalException("journal dir '" + dir + "' was written with journal format version " + version +
            "; this build reads and writes version " + VERSION + " only");
    }

    /**
     * A clock stepped back since the last run must not make Chronicle append to a cycle older than the newest one on
     * disk: appends go on in the newest cycle until the wall clock passes it.
     */
    private void holdCycleAtLeastNewest(final CycleClock cycleClock)
    {
        final int newest = queue.lastCycle();
        if (newest != Integer.MIN_VALUE && newest != Integer.MAX_VALUE)
        {
            cycleClock.atLeast((long)newest * rollCycle.lengthInMillis() + queue.epoch());
        }
    }

    private void recover()
    {
        ownerTailer = queue.createTailer();
        ownerTailer.singleThreadedCheckDisabled(true);
        final JournalRecovery recovery = new JournalRecovery(dir, queue, files, snapshots, sessions,
            maxMessageLengthBytes);
        recovery.recover(ownerTailer);
        firstPosition = recovery.firstPosition;
        lastPosition = recovery.lastPosition;
        lastCycle = recovery.lastCycle;
    }

    /**
     * Appends a FIX message: copies {@code length} bytes once into the queue, allocates nothing in steady state.
     * For outbound messages the session's next sender seq num becomes {@code msgSeqNum + 1} once this returns;
     * for inbound, the next target seq num becomes {@code msgSeqNum + 1}. A message flagged
     * {@link JournalEntry#FLAG_POSS_DUP} never moves a seq num backwards and does not replace the original in the
     * resend index.
     *
     * @param timestampNs epoch nanoseconds, from the caller's clock.
     * @return the entry's position.
     * @throws JournalException for an empty or oversized message, a MsgSeqNum below 1, or a closed journal.
     */
    public long appendMessage(
        final long sessionId,
        final Direction direction,
        final int msgSeqNum,
        final long timestampNs,
        final int flags,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        checkWritable();
        if (length <= 0)
        {
            throw new JournalException("refused: empty message (length " + length + ") for session " + sessionId +
                " MsgSeqNum " + msgSeqNum + " in journal " + dir);
        }
        if (length > maxMessageLengthBytes)
        {
            throw new JournalException("refused: message of " + length + " bytes for session " + sessionId +
                " MsgSeqNum " + msgSeqNum + " exceeds maxMessageLengthBytes " + maxMessageLengthBytes +
                " of journal " + dir);
        }
        if (msgSeqNum < 1 || msgSeqNum > JournalEntry.MAX_SEQ_NUM)
        {
            throw new JournalException("refused: MsgSeqNum " + msgSeqNum + " for session " + sessionId +
                " is not within 1.." + JournalEntry.MAX_SEQ_NUM);
        }
        final boolean inbound = direction == Direction.INBOUND;
        final long position = lastPosition + 1;
        header.putByte(VERSION_OFFSET, VERSION);
        header.putByte(TYPE_OFFSET, (byte)JournalEntry.TYPE_MESSAGE);
        header.putByte(DIRECTION_OFFSET, inbound ? DIRECTION_INBOUND : DIRECTION_OUTBOUND);
        header.putByte(FLAGS_OFFSET, (byte)flags);
        header.putLong(POSITION_OFFSET, position, BYTE_ORDER);
        header.putLong(SESSION_ID_OFFSET, sessionId, BYTE_ORDER);
        header.putLong(TIMESTAMP_OFFSET, timestampNs, BYTE_ORDER);
        header.putInt(SEQ_NUM_OFFSET, msgSeqNum, BYTE_ORDER);
        header.putInt(MESSAGE_LENGTH_OFFSET, length, BYTE_ORDER);
        header.putInt(CHECKSUM_OFFSET, checksum.compute(
            header, CHECKSUMMED_OFFSET, HEADER_LENGTH - CHECKSUMMED_OFFSET, buffer, offset, length), BYTE_ORDER);

        final long index = write(buffer, offset, length, true);
        // the entry is written: its position is used up whatever happens next, so it is never written twice
        publishLastPosition(position);
        afterWrite(index, position);
        sessions.apply(JournalEntry.TYPE_MESSAGE, sessionId, inbound, flags, msgSeqNum, 0, index);
        flush();
        return position;
    }

    /**
     * Appends a sequence-number change that is not a message (reset on logon, SequenceReset, operator set). A
     * change that lowers the next sender seq num makes {@link #readOutbound} forget messages at or above it.
     *
     * @return the entry's position.
     * @throws JournalException for a seq num below 1 or a closed journal.
     */
    public long appendSequenceChange(
        final long sessionId, final int nextSenderSeqNum, final int nextTargetSeqNum, final long timestampNs)
    {
        checkWritable();
        if (nextSenderSeqNum < 1 || nextTargetSeqNum < 1)
        {
            throw new JournalException("refused: sequence change for session " + sessionId + " to " +
                nextSenderSeqNum + "/" + nextTargetSeqNum + ": seq nums must be positive");
        }
        final long position = lastPosition + 1;
        header.putByte(VERSION_OFFSET, VERSION);
        header.putByte(TYPE_OFFSET, (byte)JournalEntry.TYPE_SEQUENCE);
        header.putByte(DIRECTION_OFFSET, DIRECTION_OUTBOUND);
        header.putByte(FLAGS_OFFSET, (byte)0);
        header.putLong(POSITION_OFFSET, position, BYTE_ORDER);
        header.putLong(SESSION_ID_OFFSET, sessionId, BYTE_ORDER);
        header.putLong(TIMESTAMP_OFFSET, timestampNs, BYTE_ORDER);
        header.putInt(NEXT_SENDER_OFFSET, nextSenderSeqNum, BYTE_ORDER);
        header.putInt(NEXT_TARGET_OFFSET, nextTargetSeqNum, BYTE_ORDER);
        header.putInt(CHECKSUM_OFFSET, checksum.compute(
            header, CHECKSUMMED_OFFSET, HEADER_LENGTH - CHECKSUMMED_OFFSET), BYTE_ORDER);

        final long index = write(header, 0, 0, true);
        publishLastPosition(position);
        afterWrite(index, position);
        sessions.apply(JournalEntry.TYPE_SEQUENCE, sessionId, false, 0, nextSenderSeqNum, nextTargetSeqNum, index);
        flush();
        return position;
    }

    /**
     * Appends an entry exactly as encoded by another journal (a replica's write path): the bytes are validated
     * (layout, version, CRC32C, limits) and copied once; session state is updated as for a local append.
     *
     * @return the entry's position.
     * @throws JournalException if the bytes are not a valid entry or its position is not {@code lastPosition() + 1}.
     */
    public long appendReplicated(final DirectBuffer buffer, final int offset, final int length)
    {
        checkWritable();
        final EntryFlyweight entry = writeEntry.wrap(buffer, offset, length);
        final String problem = entry.validate(checksum, maxMessageLengthBytes);
        if (problem != null)
        {
            throw new JournalException("refused replicated entry for journal " + dir + ": " + problem);
        }
        final long position = entry.position();
        if (position != lastPosition + 1)
        {
            throw new JournalException("refused replicated entry for journal " + dir + ": position " + position +
                " does not follow last position " + lastPosition);
        }
        final long index = write(buffer, offset, length, false);
        publishLastPosition(position);
        afterWrite(index, position);
        sessions.apply(entry.type(), entry.sessionId(), entry.isInbound(), entry.flags(), entry.msgSeqNum(),
            entry.nextTargetSeqNum(), index);
        flush();
        return position;
    }

    /**
     * Touches the pages of the current cycle file just ahead of the next append, up to
     * {@link JournalContext#pretouchAheadBytes()} ahead and at most {@link #PRETOUCH_PAGES_PER_CALL} pages per call.
     * The file is memory-mapped: the first write to each page takes a page fault (tens of microseconds on a disk file
     * system), which otherwise lands inside an append, once every ~15 entries of a FIX message's size, on the
     * latency path. The owner calls this when it is idle (the FIX engine and the replication sink do, after a duty
     * cycle that found no work), so the fault is taken there instead. A touch is an atomic compare-and-swap of 0 with 0
     * on bytes past the end of the queue, which are 0: it changes nothing a reader can see.
     * <p>
     * Owner thread only (like the appends); allocation-free; does nothing when turned off, before the first append,
     * or on a closed or failed journal.
     *
     * @return the pages touched by this call.
     */
    public int pretouch()
    {
        if (pretouchAheadBytes == 0 || closed || failure != null)
        {
            return 0;
        }
        final Wire wire = appender.wire();
        if (wire == null)
        {
            return 0;
        }
        final Bytes<?> bytes = wire.bytes();
        final long writePosition = bytes.writePosition();
        if (bytes != pretouchBytes || pretouchedUpTo <= writePosition)
        {
            // a new cycle file, or appends overtook the touched pages: start at the page after the write position
            pretouchBytes = bytes;
            pretouchedUpTo = (writePosition | (PAGE_BYTES - 1)) + 1;
        }
        final long limit = Math.min(writePosition + pretouchAheadBytes, bytes.writeLimit() - Integer.BYTES);
        // only within the chunk already mapped: touching the next one would make the shared bytes map it (and the
        // appender map the current one back at its next append); the next chunk's first pages fault in appends,
        // once per chunk (tens of MB)
        final BytesStore<?, ?> mapped = bytes.bytesStore();
        int pages = 0;
        while (pretouchedUpTo <= limit && pages < PRETOUCH_PAGES_PER_CALL &&
            mapped != null && mapped.inside(pretouchedUpTo, Integer.BYTES))
        {
            bytes.compareAndSwapInt(pretouchedUpTo, 0, 0);
            pretouchedUpTo += PAGE_BYTES;
            pages++;
        }
        return pages;
    }

    /** Commits one document; never leaves a partial one behind. Returns its Chronicle index. */
    private long write(final DirectBuffer buffer, final int offset, final int length, final boolean withHeader)
    {
        try
        {
            try (DocumentContext dc = appender.writingDocument())
            {
                try
                {
                    final Bytes<?> bytes = dc.wire().bytes();
                    if (withHeader)
                    {
                        bytes.write(headerBytes, 0, HEADER_LENGTH);
                    }
                    if (length > 0)
                    {
                        final byte[] array = buffer.byteArray();
                        if (array != null)
                        {
                            bytes.write(array, buffer.wrapAdjustment() + offset, length);
                        }
                        else
                        {
                            final long writePosition = bytes.writePosition();
                            bytes.writeSkip(length);
                            bytes.nativeWrite(buffer.addressOffset() + offset, writePosition, length);
                        }
                    }
                }
                catch (final RuntimeException | Error ex)
                {
                    dc.rollbackOnClose();
                    throw ex;
                }
            }
            return appender.lastIndexAppended();
        }
        catch (final RuntimeException ex)
        {
            throw new JournalException("append to journal " + dir + " failed, nothing was written: " + ex, ex);
        }
    }

    /**
     * SYNC: msync now; BATCHED: msync every syncBatchSize appends. The entry is already in the queue and counted;
     * if the flush fails its durability is unknown, so the journal refuses every further append.
     */
    private void flush()
    {
        if (persistence == Persistence.BUFFERED ||
            (persistence == Persistence.BATCHED && ++unsyncedAppends < syncBatchSize))
        {
            return;
        }
        syncNow();
    }

    private void syncNow()
    {
        try
        {
            appender.sync();
            unsyncedAppends = 0;
        }
        catch (final RuntimeException ex)
        {
            failure = "flushing to stable storage failed after position " + lastPosition + ": " + ex;
            throw new JournalException("journal " + dir + ": " + failure, ex);
        }
    }

    /**
     * At the first entry of a new cycle: snapshot the state before it, then apply retention. Neither may fail the
     * append, whose entry is already written: a missing snapshot only holds retention back, and the next open
     * writes it.
     */
    private void afterWrite(final long index, final long position)
    {
        final int cycle = rollCycle.toCycle(index);
        if (cycle != lastCycle)
        {
            final boolean rolled = lastCycle != Integer.MIN_VALUE;
            lastCycle = cycle;
            if (rolled)
            {
                try
                {
                    snapshots.write(position - 1, sessions.sessions);
                    applyRetention();
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("journal {}: state snapshot or retention at the roll to cycle {} failed: {}",
                        dir, cycle, ex.toString());
                }
            }
            else if (firstPosition == 0)
            {
                firstPosition = position;
            }
        }
    }

    /** Deletes the oldest cycle files beyond {@code retainCycles}, never one that recovery would still need. */
    private void applyRetention()
    {
        final long oldestKept = files.retain(context.retainCycles(), lastCycle, ownerTailer, readEntry, snapshots);
        if (oldestKept > 0)
        {
            firstPosition = oldestKept;
        }
    }

    /**
     * BATCHED: forces the entries appended since the last flush to stable storage now; an owner calls this when it
     * goes idle so the last partial batch does not wait for more traffic. No effect in BUFFERED (nothing is ever
     * flushed by the journal) or SYNC (everything already is). Owner thread.
     */
    public void sync()
    {
        checkWritable();
        if (persistence == Persistence.BATCHED && unsyncedAppends > 0)
        {
            syncNow();
        }
    }

    /**
     * BATCHED: how many appends are not yet flushed to stable storage (0 in the other modes). The owner's thread reads
     * it exactly; other threads see a recent value.
     */
    public int unflushedAppends()
    {
        return unsyncedAppends;
    }

    /** The position of the newest entry, 0 when empty. Any thread. */
    public long lastPosition()
    {
        return lastPosition;
    }

    /**
     * Whom {@link #signalAppends()} wakes: the agent that streams this journal (a replication source), null for none.
     * Any thread; the last one set wins.
     */
    public synchronized void wakeOnAppend(final dev.tandem.journal.idle.IdleWaker waker)
    {
        this.appendWaker = waker;
    }

    /** Stops waking {@code waker} on appends if it is still the one set (a successor's stays). Any thread. */
    public synchronized void stopWakingOnAppend(final dev.tandem.journal.idle.IdleWaker waker)
    {
        if (appendWaker == waker)
        {
            appendWaker = null;
        }
    }

    /**
     * Owner's thread, once per duty cycle: wakes the {@link #wakeOnAppend} agent if entries were appended since the
     * last call. One wake-up (a fence, a system call only when the agent blocks) per cycle, never one per append.
     */
    public void signalAppends()
    {
        final long last = lastPosition;
        if (last != signalledPosition)
        {
            signalledPosition = last;
            final dev.tandem.journal.idle.IdleWaker waker = appendWaker;
            if (waker != null)
            {
                waker.wakeup();
            }
        }
    }

    /** Single writer (the owner): an ordered store, a release, where a volatile store would fence every append. */
    private void publishLastPosition(final long position)
    {
        LAST_POSITION.setRelease(this, position);
    }

    /**
     * Why the journal refuses every further append (its storage failed, e.g. a flush to disk), or null while it is
     * healthy. Any thread: a node's health check reads it.
     */
    public String failure()
    {
        return failure;
    }

    /** The position of the oldest entry still in the journal (older cycles may be removed by retention). */
    public long firstPosition()
    {
        return firstPosition;
    }

    /** The next MsgSeqNum we send on this session: 1 for a session never seen. */
    public int nextSenderSeqNum(final long sessionId)
    {
        return sessions.nextSenderSeqNum(sessionId);
    }

    /** The next MsgSeqNum we expect from the counterparty on this session: 1 for a session never seen. */
    public int nextTargetSeqNum(final long sessionId)
    {
        return sessions.nextTargetSeqNum(sessionId);
    }

    /**
     * Reads this session's outbound messages with MsgSeqNum in [beginSeqNo, endSeqNo] in order (endSeqNo 0 means
     * no upper bound), through a per-session MsgSeqNum index, without scanning the journal. Where a seq num was
     * journaled more than once the newest is read; messages at or above a reset that lowered the next sender seq
     * num are forgotten; messages in cycle files removed by retention are skipped. Owner thread only.
     *
     * @return how many entries were delivered.
     */
    public int readOutbound(final long sessionId, final int beginSeqNo, final int endSeqNo, final EntryHandler handler)
    {
        checkOpen();
        final SessionState state = sessions.get(sessionId);
        if (state == null)
        {
            return 0;
        }
        final int last = endSeqNo == 0 ? state.highestIndexed() : Math.min(endSeqNo, state.highestIndexed());
        final ExcerptTailer tailer = ownerTailer;
        int delivered = 0;
        // walk the indexed messages, not the seq num range: a range skipped at Logon costs nothing
        for (int slot = state.firstSlotAtOrAbove(Math.max(1, beginSeqNo)); slot < state.indexedCount(); slot++)
        {
            final int seqNum = state.seqNumAt(slot);
            if (seqNum > last)
            {
                break;
            }
            final long index = state.indexAt(slot);
            if (tailer.index() != index && !tailer.moveToIndex(index))
            {
                continue;
            }
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    continue;
                }
                final EntryFlyweight entry = CycleFiles.wrapRead(dc, readEntry);
                if (entry.type() != JournalEntry.TYPE_MESSAGE || entry.sessionId() != sessionId ||
                    entry.msgSeqNum() != seqNum)
                {
                    throw new JournalException("journal " + dir + ": resend index for session " + sessionId +
                        " MsgSeqNum " + seqNum + " points at " + entry);
                }
                handler.onEntry(entry);
                delivered++;
            }
        }
        return delivered;
    }

    /**
     * A reader from {@code fromPosition} onward (1 = the start), which then follows new appends. Any thread may
     * create one; each reader is then used by one thread.
     *
     * @throws JournalException if {@code fromPosition} is below 1 or older than the oldest retained entry.
     */
    public JournalReader reader(final long fromPosition)
    {
        checkOpen();
        if (fromPosition < 1)
        {
            throw new JournalException("reader position " + fromPosition + " is below 1");
        }
        final ExcerptTailer tailer = queue.createTailer();
        tailer.singleThreadedCheckDisabled(true);
        try
        {
            files.seek(tailer, fromPosition, lastPosition, firstPosition);
        }
        catch (final RuntimeException ex)
        {
            tailer.close();
            throw ex;
        }
        return new JournalReader(this, tailer, fromPosition);
    }

    String dirName()
    {
        return dir.toString();
    }

    public JournalContext context()
    {
        return context;
    }

    private void checkWritable()
    {
        checkOpen();
        if (failure != null)
        {
            throw new JournalException("journal " + dir + " refuses appends: " + failure);
        }
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new JournalException("journal " + dir + " is closed");
        }

    }

    /** Flushes (BATCHED, SYNC) and closes the queue and frees the off-heap indices. Idempotent. Owner thread. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            if (appender != null)
            {
                if (persistence != Persistence.BUFFERED && unsyncedAppends > 0)
                {
                    appender.sync();
                }
                appender.close();
            }
            if (ownerTailer != null)
            {
                ownerTailer.close();
            }
        }
        finally
        {
            queue.close();
            sessions.free();
            lock.close();
        }
    }
}
