package dev.tandem.fix;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.ReleaseGate;
import dev.tandem.test.Tests;

import java.nio.file.Path;
import java.util.function.Consumer;

/** A journal in a temp dir and an acceptor (ISLD to TW44 and TW, FIX.4.4) running on its own thread. */
final class AcceptorFixture implements AutoCloseable
{
    final Path dir;
    final EchoApplication application = new EchoApplication();
    final JumpNanoClock nanoClock = new JumpNanoClock();
    final int journalMaxMessageLengthBytes;
    Journal journal;
    FixAcceptor acceptor;

    AcceptorFixture(final boolean resetOnLogon, final ReleaseGate gate, final Consumer<FixContext> customise)
    {
        this(resetOnLogon, gate, customise, JournalContext.DEFAULT_MAX_MESSAGE_LENGTH_BYTES);
    }

    AcceptorFixture(
        final boolean resetOnLogon,
        final ReleaseGate gate,
        final Consumer<FixContext> customise,
        final int journalMaxMessageLengthBytes)
    {
        dir = Tests.tempDir("fix");
        this.journalMaxMessageLengthBytes = journalMaxMessageLengthBytes;
        start(resetOnLogon, gate, customise);
    }

    AcceptorFixture()
    {
        this(true, ReleaseGate.OPEN, (context) -> {});
    }

    void start(final boolean resetOnLogon, final ReleaseGate gate, final Consumer<FixContext> customise)
    {
        journal = Journal.open(new JournalContext().dir(dir.toString())
            .maxMessageLengthBytes(journalMaxMessageLengthBytes));
        final FixContext context = new FixContext()
            .port(0)
            .addSession(new SessionConfig().senderCompId("ISLD").targetCompId("TW44").resetOnLogon(resetOnLogon))
            .addSession(new SessionConfig().senderCompId("ISLD").targetCompId("TW").resetOnLogon(resetOnLogon))
            .journal(journal)
            .releaseGate(gate)
            .application(application)
            .nanoClock(nanoClock)
            .errorHandler(Throwable::printStackTrace);
        customise.accept(context);
        acceptor = FixAcceptor.create(context).start();
    }

    void stop()
    {
        acceptor.close();
        journal.close();
    }

    int port()
    {
        return acceptor.boundPort();
    }

    RawFixClient client()
    {
        return new RawFixClient(port());
    }

    /** Connects and logs on as TW44 with MsgSeqNum 1 and HeartBtInt 30, checking the Logon reply. */
    RawFixClient logon()
    {
        return logon("TW44", 30);
    }

    RawFixClient logon(final String sender, final int heartbeatSec)
    {
        final RawFixClient client = client();
        client.send("35=A|34=1|49=" + sender + "|52=<TIME>|56=ISLD|98=0|108=" + heartbeatSec + "|");
        final String reply = client.receive();
        if (!"A".equals(RawFixClient.field(reply, 35)) || !"1".equals(RawFixClient.field(reply, 34)))
        {
            throw new AssertionError("expected a Logon with 34=1, received " + reply);
        }
        return client;
    }

    @Override
    public void close()
    {
        try
        {
            stop();
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }
}
