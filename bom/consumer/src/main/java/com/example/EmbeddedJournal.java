package com.example;

import dev.tandem.journal.Direction;
import dev.tandem.journal.Journal;
import dev.tandem.journal.JournalContext;
import dev.tandem.node.Node;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Opens a Tandem journal in {@code args[0]} on the classpath the BOM resolved, journals one message and prints
 * {@code EMBEDDED OK}: Chronicle, Agrona and Tandem's jars work together as resolved.
 */
public final class EmbeddedJournal
{
    public static void main(final String[] args)
    {
        final UnsafeBuffer message = new UnsafeBuffer("8=FIX.4.4\u00019=5\u000135=0\u000110=000\u0001"
            .getBytes(StandardCharsets.US_ASCII));
        try (Journal journal = Journal.open(new JournalContext().dir(args[0])))
        {
            journal.appendMessage(1, Direction.OUTBOUND, 1, 0, 0, message, 0, message.capacity());
            System.out.println("EMBEDDED OK position=" + journal.lastPosition() + " node=" + Node.class.getName());
        }
    }
}
