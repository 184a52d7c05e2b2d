package dev.tandem.benchmarks.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.journal.Persistence;

/**
 * Shared pieces of the journal benchmarks: the message, temp dirs. (The JVM flags every JMH fork needs are given by
 * {@link dev.tandem.benchmarks.BenchmarkMain}.)
 */
final class BenchmarkFixtures
{
    static final long SESSION_ID = 4242;

    /** A 200-byte FIX 4.4 ExecutionReport as a session would journal it; MsgSeqNum field kept fixed width. */
    static final String MESSAGE_TEXT =
        "8=FIX.4.4\u00019=178\u000135=8\u000134=00000001\u000149=ISLD\u000152=20261126-01:02:03.456789\u0001" +
        "56=TW\u000137=OID-0000000001\u000111=CLORD-000000001\u000117=EXEC-00000001\u0001150=F\u000139=2\u0001" +
        "55=EUR/USD\u000154=1\u000138=1000000\u000131=1.08345\u000132=1000000\u000114=1000000\u00016=1.08345\u0001" +
        "10=123\u0001";

    static final byte[] MESSAGE = MESSAGE_TEXT.getBytes(StandardCharsets.US_ASCII);

    private BenchmarkFixtures()
    {
    }

    static Path tempDir(final String prefix)
    {
        try
        {
            return Files.createTempDirectory("tandem-bench-" + prefix + "-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    static Journal openJournal(final Path dir, final Persistence persistence)
    {
        return Journal.open(new JournalContext().dir(dir.toString()).persistence(persistence));
    }
}
