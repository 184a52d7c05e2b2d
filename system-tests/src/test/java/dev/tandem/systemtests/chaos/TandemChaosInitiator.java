package dev.tandem.systemtests.chaos;

import dev.tandem.failover.ConnectionStrategies;
import dev.tandem.failover.FailoverInitiator;
import dev.tandem.failover.FailoverInitiatorConfig;
import dev.tandem.failover.FailoverListener;
import dev.tandem.fix.SessionIds;
import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.JournalEntry;
import dev.tandem.journal.JournalReader;
import dev.tandem.node.demo.OrderFlow;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tandem's own {@link FailoverInitiator} (NextExpectedMsgSeqNum 789 in its Logon) running the demo's
 * {@link OrderFlow}. What it received is read back from its own journal after it closed.
 * <p>
 * Threading: the initiator's FIX thread runs the flow; counters readable from any thread.
 */
final class TandemChaosInitiator implements ChaosInitiator
{
    private static final long SESSION = SessionIds.sessionId("FIX.4.4", "TW", "ISLD");
    /** Fail over fast: one attempt per address, short backoff, like the other system tests. */
    private static final String STRATEGY = "!Failover { attemptsPerAddress: 1, connectTimeoutMs: 500, " +
        "logonTimeoutMs: 2000, backoffInitialMs: 10, backoffMaxMs: 100 }";

    private final OrderFlow flow;
    private final Path journalDir;
    private final FailoverInitiator initiator;
    private List<byte[]> received;
    private boolean closed;

    TandemChaosInitiator(final int[] fixPorts, final Path journalDir, final int heartbeatSec,
        final int ratePerSecond)
    {
        this.journalDir = journalDir;
        this.flow = new OrderFlow(ratePerSecond);
        initiator = FailoverInitiator.start(new FailoverInitiatorConfig()
            .connect(List.of("127.0.0.1:" + fixPorts[0], "127.0.0.1:" + fixPorts[1]))
            .connectionStrategy(ConnectionStrategies.fromYaml(STRATEGY))
            .senderCompId("TW")
            .targetCompId("ISLD")
            .heartbeatSec(heartbeatSec)
            .journalDir(journalDir.toString())
            .validate(), flow, new FailoverListener()
            {
            });
    }

    @Override
    public String name()
    {
        return "tandem";
    }

    @Override
    public long sent()
    {
        return flow.sent();
    }

    @Override
    public long answered()
    {
        return flow.answers();
    }

    @Override
    public long duplicates()
    {
        return flow.duplicates();
    }

    @Override
    public long possDupRepeats()
    {
        return flow.possDupRepeats();
    }

    @Override
    public int logons()
    {
        return flow.logons();
    }

    @Override
    public boolean isLoggedOn()
    {
        return initiator.isLoggedOn();
    }

    @Override
    public void stopSending()
    {
        flow.stopSending();
    }

    @Override
    public List<Long> unansweredIds(final int max)
    {
        final long first = flow.firstUnanswered();
        return first == 0 ? List.of() : List.of(first);
    }

    @Override
    public List<byte[]> received()
    {
        if (received == null)
        {
            if (!closed)
            {
                throw new IllegalStateException("read what the initiator received after closing it");
            }
            final List<byte[]> messages = new ArrayList<>();
            try (Journal journal = Journal.open(new JournalContext().dir(journalDir.toString()).conclude());
                JournalReader reader = journal.reader(1))
            {
                while (reader.poll(entry -> collect(entry, messages), 4096) > 0)
                {
                    // drain
                }
            }
            received = messages;
        }
        return received;
    }

    private static void collect(final JournalEntry entry, final List<byte[]> messages)
    {
        if (entry.type() == JournalEntry.TYPE_MESSAGE && entry.sessionId() == SESSION &&
            entry.direction() == Direction.INBOUND)
        {
            final byte[] bytes = new byte[entry.messageLength()];
            entry.messageBuffer().getBytes(entry.messageOffset(), bytes);
            messages.add(bytes);
        }
    }

    @Override
    public int sequenceTooLow()
    {
        if (!closed)
        {
            return -1;
        }
        int count = 0;
        for (final byte[] message : received())
        {
            if (new String(message, StandardCharsets.ISO_8859_1).contains("MsgSeqNum too low"))
            {
                count++;
            }
        }
        return count;
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            initiator.close();
        }
    }
}
