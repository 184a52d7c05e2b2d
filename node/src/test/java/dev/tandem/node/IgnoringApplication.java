package dev.tandem.node;

import dev.tandem.fix.FixApplication;
import dev.tandem.fix.FixSession;
import org.agrona.DirectBuffer;

/**
 * For node tests that need a node running but no application traffic ({@code application:
 * dev.tandem.node.IgnoringApplication}): the echo application ships with tandem-cli, which this module cannot see.
 */
public final class IgnoringApplication implements FixApplication
{
    @Override
    public void onMessage(final DirectBuffer buffer, final int offset, final int length, final FixSession session)
    {
    }
}
