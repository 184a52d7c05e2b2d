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

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the connection tests run against, all on loopback: real FIX acceptors with their own journals, broken
 * listeners ({@link FakeAcceptor}), refused ports ({@code Ports.refused()}), and the production {@link FailoverInitiator} whose steps an
 * {@link Events} listener records. Closes everything it made, newest first.
 */
final class Loopback implements AutoCloseable
{
    private static final FixApplication NO_APPLICATION = new FixApplication()
    {
        @Override
        public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
        {
        }
    };

    private final Path dir = Tests.tempDir("failover-client");
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** A real FIX acceptor for the initiator's session (TW to ISLD, ResetOnLogon), started. */
    FixAcceptor acceptor(final String name, final boolean logonsEnabled)
    {
        final Journal journal = Journal.open(new JournalContext().dir(dir.resolve(name).toString()).conclude());
        toClose.add(journal);
        final FixAcceptor acceptor = FixAcceptor.create(new FixContext()
            .bindAddress("127.0.0.1").port(0)
            .addSession(new SessionConfig().senderCompId("ISLD").targetCompId("TW").heartbeatIntervalSec(30)
                .resetOnLogon(true))
            .journal(journal)
            .application(NO_APPLICATION)
            .logonsEnabled(logonsEnabled));
        toClose.add(acceptor);
        return acceptor.start();
    }

    static InetSocketAddress address(final FixAcceptor acceptor)
    {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), acceptor.boundPort());
    }

    /** A listener that takes TCP connections and then resets or ignores them. */
    FakeAcceptor broken(final FakeAcceptor.Mode mode) throws IOException
    {
        final FakeAcceptor acceptor = new FakeAcceptor(mode);
        toClose.add(acceptor);
        return acceptor;
    }

    /** Starts the production failover initiator over {@code acceptors}, in that order of preference. */
    FailoverInitiator initiator(
        final ConnectionStrategy strategy, final List<InetSocketAddress> acceptors, final FailoverListener listener)
    {
        final List<String> connect = new ArrayList<>();
        for (final InetSocketAddress address : acceptors)
        {
            connect.add(Addresses.format(address));
        }
        final FailoverInitiatorConfig config = new FailoverInitiatorConfig()
            .connect(connect)
            .connectionStrategy(strategy)
            .senderCompId("TW").targetCompId("ISLD").heartbeatSec(30).resetOnLogon(true)
            .journalDir(dir.resolve("initiator").toString())
            .validate();
        final FailoverInitiator initiator = FailoverInitiator.start(config, NO_APPLICATION, listener);
        toClose.add(initiator);
        return initiator;
    }

    @Override
    public void close() throws Exception
    {
        for (int i = toClose.size() - 1; i >= 0; i--)
        {
            toClose.get(i).close();
        }
        toClose.clear();
        Tests.deleteRecursively(dir);
    }

    /** Records each step of the connecting thread as text: {@code failed 1: reason}, {@code logon 0}, .... */
    static final class Events implements FailoverListener
    {
        final List<String> steps = new CopyOnWriteArrayList<>();

        @Override
        public void onAttemptFailed(final InetSocketAddress address, final int index, final String reason)
        {
            steps.add("failed " + index + ": " + reason);
        }

        @Override
        public void onLoggedOn(final InetSocketAddress address, final int index)
        {
            steps.add("logon " + index);
        }

        @Override
        public void onSessionEnded(final InetSocketAddress address, final int index)
        {
            steps.add("ended " + index);
        }

        @Override
        public void onGaveUp()
        {
            steps.add("gave up");
        }

        /** The steps without the failure reasons. */
        List<String> kinds()
        {
            final List<String> kinds = new ArrayList<>();
            for (final String step : steps)
            {
                final int colon = step.indexOf(':');
                kinds.add(colon < 0 ? step : step.substring(0, colon));
            }
            return kinds;
        }

        long count(final String kind)
        {
            return kinds().stream().filter(kind::equals).count();
        }
    }
}
