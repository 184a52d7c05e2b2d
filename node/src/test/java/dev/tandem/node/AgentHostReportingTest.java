package dev.tandem.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A throwable that escapes an agent thread's run method (as the JVM's asynchronous InternalError for a SIGBUS on a
 * mapped file can, outside the agent's duty cycle) reaches the agent's error handler, which fails the node, and the
 * thread's own handler still runs.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgentHostReportingTest
{
    @Test
    void shouldHandAThrowableThatEndsTheThreadToTheErrorHandler() throws Exception
    {
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final List<Throwable> ownHandler = new CopyOnWriteArrayList<>();
        final InternalError fault = new InternalError("a fault occurred in a recent unsafe memory access operation");
        final Thread thread = AgentHost.reporting(runnable ->
        {
            final Thread made = new Thread(runnable, "reporting-test");
            made.setUncaughtExceptionHandler((ended, throwable) -> ownHandler.add(throwable));
            return made;
        }, reported::add).newThread(() ->
        {
            throw fault;
        });
        thread.start();
        thread.join(10_000);
        assertFalse(thread.isAlive(), "the thread ended");
        assertEquals(1, reported.size(), reported.toString());
        assertSame(fault, reported.get(0));
        assertEquals(List.of(fault), ownHandler, "the thread's own handler still runs");
    }
}
