package dev.tandem.fix.interop;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.tandem.test.Tests;

/** {@link Tests#await} with a state description evaluated when the wait times out. */
final class Await
{
    private Await()
    {
    }

    static void await(final String what, final Duration timeout, final BooleanSupplier condition,
        final Supplier<String> state)
    {
        try
        {
            Tests.await(what, timeout, condition);
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError(ex.getMessage() + "\n  state: " + state.get(), ex);
        }
    }
}
