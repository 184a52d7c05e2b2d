package dev.tandem.failover;

import dev.tandem.fix.FixAcceptor;
import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixContext;
import dev.tandem.fix.FixSession;
import dev.tandem.fix.SessionConfig;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.test.Tests;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failover initiator against two real in-process acceptors on loopback. */
class FailoverInitiatorTest
{
    private final Path dir = Tests.tempDir("failover-initiator");
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void after() throws Exception
    {
        for (int i = toClose.size() - 1; i >= 0; i--)
        {
            toClose.get(i).close();
        }
        Tests.deleteRecursively(dir);
    }

    private FixAcceptor acceptor(final String name, final boolean logonsEnabled)
    {
        final Journal journal = Journal.open(new JournalContext().dir(dir.resolve(name).toString()).conclude());
        toClose.add(journal);
        final FixAcceptor acceptor = FixAcceptor.create(new FixContext()
            .bindAddress("127.0.0.1").port(0)
            .addSession(new SessionConfig().senderCompId("ISLD").targetCompId("TW").heartbeatIntervalSec(30)
                .resetOnLogon(true))
            .journal(journal)
            .application(new FixApplication()
            {
                @Override
                public void onMessage(final DirectBuffer buffer, final int offset, final int length,
                    final FixSession session)
                {
                }
            })
            .logonsEnabled(logonsEnabled));
        toClose.add(acceptor);
        return acceptor.start();
    }

    @Test
    void shouldMoveToTheBackupOnlyOnceItsLogonCompletes()
    {
        final FixAcceptor primary = acceptor("primary", true);
        final FixAcceptor backup = acceptor("backup", false);
        final List<String> events = new CopyOnWriteArrayList<>();
        final FailoverInitiatorConfig config = new FailoverInitiatorConfig()
            .connect(List.of("127.0.0.1:" + primary.boundPort(), "127.0.0.1:" + backup.boundPort()))
            .connectionStrategy(new FailoverConnectionStrategy().attemptsPerAddress(1).backoffInitialMs(5)
                .backoffMaxMs(20).logonTimeoutMs(1_000))
            .senderCompId("TW").targetCompId("ISLD").heartbeatSec(30).resetOnLogon(true)
            .journalDir(dir.resolve("initiator").toString())
            .validate();
        final FailoverInitiator initiator = FailoverInitiator.start(config, new FixApplication()
        {
            @Override
            public void onMessage(final DirectBuffer buffer, final int offset, final int length,
                final FixSession session)
            {
            }
        }, new FailoverListener()
        {
            @Override
            public void onAttemptFailed(final InetSocketAddress address, final int index, final String reason)
            {
                events.add("failed " + index);
            }

            @Override
            public void onLoggedOn(final InetSocketAddress address, final int index)
            {
                events.add("logon " + index);
            }

            @Override
            public void onSessionEnded(final InetSocketAddress address, final int index)
            {
                events.add("ended " + index);
            }
        });
        toClose.add(initiator);

        Tests.await("logged on to the primary", Duration.ofSeconds(20),
            () -> initiator.isLoggedOn() && initiator.currentIndex() == 0);
        primary.close();
        // the backup takes TCP connections but logs no one on: each is a failed attempt, not a success
        Tests.await("two attempts on the backup failed", Duration.ofSeconds(20),
            () -> events.stream().filter("failed 1"::equals).count() >= 2);
        assertTrue(!initiator.isLoggedOn());
        backup.logonsEnabled(true);
        // the engine's session is logged on a moment before the connect loop reports it: wait for the report too
        Tests.await("logged on to the backup", Duration.ofSeconds(20),
            () -> initiator.isLoggedOn() && initiator.currentIndex() == 1 && events.contains("logon 1"));
        assertEquals("logon 0", events.get(0));
        assertEquals("ended 0", events.get(1));
        assertEquals("logon 1", events.get(events.size() - 1));
    }
}
