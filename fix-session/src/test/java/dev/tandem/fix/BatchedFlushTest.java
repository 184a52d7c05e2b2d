package dev.tandem.fix;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.Persistence;
import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static dev.tandem.fix.RawFixClient.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Under BATCHED persistence an idle engine flushes its partial batch: an unflushed tail never outlives a pause. */
class BatchedFlushTest
{
    @Test
    void shouldFlushThePartialBatchWhenTheEngineIsIdle()
    {
        final Path dir = Tests.tempDir("fix-batched");
        try (Journal journal = Journal.open(new JournalContext().dir(dir.toString())
            .persistence(Persistence.BATCHED).syncBatchSize(1_000).conclude()))
        {
            final FixContext context = new FixContext()
                .port(0)
                .addSession(new SessionConfig().senderCompId("ISLD").targetCompId("TW44").resetOnLogon(true))
                .journal(journal)
                .application(new EchoApplication())
                .errorHandler(Throwable::printStackTrace);
            try (FixAcceptor acceptor = FixAcceptor.create(context).start();
                RawFixClient client = new RawFixClient(acceptor.boundPort()))
            {
                client.send("35=A|34=1|49=TW44|52=<TIME>|56=ISLD|98=0|108=30|");
                assertEquals("A", field(client.receive(), 35));
                client.send("35=1|34=2|49=TW44|52=<TIME>|56=ISLD|112=PING|");
                assertEquals("PING", field(client.receive(), 112));

                assertTrue(journal.lastPosition() >= 4, "journaled " + journal.lastPosition());
                Tests.await("the idle engine flushed the partial batch", Duration.ofSeconds(10),
                    () -> journal.unflushedAppends() == 0);
            }
        }
        finally
        {
            Tests.deleteRecursively(dir);
        }
    }
}
