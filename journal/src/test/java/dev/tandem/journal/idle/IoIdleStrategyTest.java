package dev.tandem.journal.idle;

import dev.tandem.test.Tests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every test idles with a block far longer than its own deadline (one minute), so a wake-up that is lost, or a
 * readable socket that does not end a block, fails it by timeout instead of passing late.
 */
@Timeout(60)
class IoIdleStrategyTest
{
    private static final long NEVER_MS = TimeUnit.MINUTES.toMillis(1);

    @Test
    void shouldBlockWhenIdleAndReturnOnWakeup() throws Exception
    {
        try (IoIdleStrategy idle = new IoIdleStrategy(10, 2, NEVER_MS))
        {
            final AtomicLong passes = new AtomicLong();
            final AtomicLong work = new AtomicLong();
            final Thread owner = new Thread(() ->
            {
                while (work.get() == 0)
                {
                    passes.incrementAndGet();
                    idle.idle(0);
                }
            });
            owner.start();
            Tests.await("the owner blocks", Duration.ofSeconds(10), () -> idle.blocks() > 0);
            final long passesWhileBlocked = passes.get();
            work.set(1);
            idle.wakeup();
            owner.join(10_000);
            assertFalse(owner.isAlive(), "a wake-up did not end the block");
            // blocked, not spinning: a handful of passes between the first block and the wake-up
            assertTrue(passesWhileBlocked < 100, "passes before the wake-up: " + passesWhileBlocked);
        }
    }

    @Test
    void shouldReturnWhenAWatchedChannelBecomesReadable() throws Exception
    {
        try (IoIdleStrategy idle = new IoIdleStrategy(10, 2, NEVER_MS);
            ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept())
            {
                client.configureBlocking(false);
                final AtomicReference<Throwable> failure = new AtomicReference<>();
                final AtomicLong received = new AtomicLong();
                final Thread owner = new Thread(() ->
                {
                    final ByteBuffer buffer = ByteBuffer.allocate(16);
                    try
                    {
                        idle.watch(client, SelectionKey.OP_READ);
                        while (true)
                        {
                            final int read = client.read(buffer);
                            if (read > 0)
                            {
                                received.addAndGet(read);
                                return;
                            }
                            idle.idle(0);
                        }
                    }
                    catch (final Exception ex)
                    {
                        failure.set(ex);
                    }
                });
                owner.start();
                Tests.await("the owner blocks", Duration.ofSeconds(10), () -> idle.blocks() > 0);
                accepted.write(ByteBuffer.wrap(new byte[] { 1, 2, 3 }));
                owner.join(10_000);
                assertFalse(owner.isAlive(), "readable bytes did not end the block");
                assertNull(failure.get());
                assertEquals(3, received.get());
            }
        }
    }

    /** Hand-offs both ways, each one waiting on the other's wake-up: one lost wake-up stalls the test a minute. */
    @Test
    void shouldNeverLoseAWakeup() throws Exception
    {
        final int handoffs = 20_000;
        try (IoIdleStrategy pingIdle = new IoIdleStrategy(0, 0, NEVER_MS);
            IoIdleStrategy pongIdle = new IoIdleStrategy(0, 0, NEVER_MS))
        {
            final AtomicLong ball = new AtomicLong();
            final Thread pong = new Thread(() ->
            {
                long expected = 1;
                while (expected < 2L * handoffs)
                {
                    if (ball.get() == expected)
                    {
                        ball.set(expected + 1);
                        pingIdle.wakeup();
                        expected += 2;
                        pongIdle.reset();
                    }
                    else
                    {
                        pongIdle.idle();
                    }
                }
            });
            pong.start();
            long expected = 0;
            final long startNs = System.nanoTime();
            while (expected < 2L * handoffs)
            {
                if (ball.get() == expected)
                {
                    ball.set(expected + 1);
                    pongIdle.wakeup();
                    expected += 2;
                    pingIdle.reset();
                }
                else
                {
                    pingIdle.idle();
                }
            }
            pong.join(10_000);
            assertFalse(pong.isAlive());
            assertTrue(pingIdle.blocks() + pongIdle.blocks() > 0, "the hand-offs never blocked: nothing was tested");
            System.out.println(handoffs + " hand-offs in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() -
                startNs) + " ms, " + (pingIdle.blocks() + pongIdle.blocks()) + " blocks");
        }
    }

    /** The owner's side of 2,000 wake-ups (blocks, returns, ready sockets) allocates nothing per wake-up once warm. */
    @Test
    void shouldNotAllocateWhileBlockingAndWaking() throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        try (IoIdleStrategy idle = new IoIdleStrategy(0, 0, NEVER_MS);
            ServerSocketChannel server = ServerSocketChannel.open())
        {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept())
            {
                client.configureBlocking(false);
                idle.watch(client, SelectionKey.OP_READ);
                final ByteBuffer in = ByteBuffer.allocateDirect(64);
                final ByteBuffer out = ByteBuffer.allocateDirect(1);
                final AtomicLong ball = new AtomicLong();
                final long[] allocated = { -1 };
                final Thread owner = new Thread(() ->
                {
                    final long id = Thread.currentThread().getId();
                    long before = 0;
                    for (int round = 0; round < 4_000; round++)
                    {
                        if (round == 2_000)
                        {
                            before = threads.getThreadAllocatedBytes(id);
                        }
                        // wait for the round's wake-up (even rounds) or readable byte (odd rounds)
                        while (ball.get() == 2L * round)
                        {
                            idle.idle(0);
                        }
                        try
                        {
                            in.clear();
                            client.read(in);
                        }
                        catch (final java.io.IOException ex)
                        {
                            return;
                        }
                        idle.reset();
                        ball.incrementAndGet();
                    }
                    allocated[0] = threads.getThreadAllocatedBytes(id) - before;
                });
                owner.start();
                for (int round = 0; round < 4_000; round++)
                {
                    final long mine = 2L * round;
                    Tests.await("round " + round, Duration.ofSeconds(10), () -> ball.get() == mine);
                    if ((round & 1) == 0)
                    {
                        ball.incrementAndGet();
                        idle.wakeup();
                    }
                    else
                    {
                        out.clear();
                        accepted.write(out);
                        ball.incrementAndGet();
                    }
                }
                owner.join(10_000);
                assertFalse(owner.isAlive());
                assertTrue(idle.blocks() > 0, "the owner never blocked: nothing was tested");
                // under one byte per wake-up: nothing per wake-up (a selected-key entry would be 32 bytes each), a
                // one-off allocation of the JDK's (a lazily grown array) allowed
                assertTrue(allocated[0] < 2_000, allocated[0] + " bytes allocated by the owner over 2,000 wake-ups");
            }
        }
    }

    @Test
    void shouldYieldInsteadOfBlockingUntilTheExpectedWorkIsDue() throws Exception
    {
        try (IoIdleStrategy idle = new IoIdleStrategy(10, 2, NEVER_MS))
        {
            final long awakeNs = TimeUnit.MILLISECONDS.toNanos(300);
            final AtomicLong firstBlockAfterNs = new AtomicLong(-1);
            final AtomicLong work = new AtomicLong();
            final Thread owner = new Thread(() ->
            {
                final long startNs = System.nanoTime();
                while (work.get() == 0)
                {
                    // an agent still waiting declares its deadline in every duty cycle
                    idle.stayAwakeUntil(startNs + awakeNs);
                    // an earlier deadline in the same cycle does not shorten the later one
                    idle.stayAwakeUntil(startNs + 1);
                    final long blocksBefore = idle.blocks();
                    idle.idle(0);
                    if (blocksBefore == 0 && idle.blocks() > 0)
                    {
                        firstBlockAfterNs.set(System.nanoTime() - startNs);
                    }
                }
            });
            owner.start();
            Tests.await("the owner blocks once the expected work is overdue", Duration.ofSeconds(10),
                () -> idle.blocks() > 0);
            work.set(1);
            idle.wakeup();
            owner.join(10_000);
            assertFalse(owner.isAlive(), "a wake-up did not end the block");
            assertTrue(firstBlockAfterNs.get() >= awakeNs, "blocked " + firstBlockAfterNs.get() +
                " ns after the start, before the deadline " + awakeNs);
        }
    }

    /**
     * A declaration lasts one idle: once the awaited answer is in, the agent stops declaring and the thread blocks at
     * its next idle period instead of yielding until a deadline nothing waits for any more (a thread yielding out
     * every deadline took a whole core at 5,000 orders/s).
     */
    @Test
    void shouldBlockOnceTheAgentNoLongerExpectsWorkBeforeItsDeadline() throws Exception
    {
        try (IoIdleStrategy idle = new IoIdleStrategy(10, 2, NEVER_MS))
        {
            final AtomicLong work = new AtomicLong();
            final AtomicLong blockedAfterNs = new AtomicLong(-1);
            final Thread owner = new Thread(() ->
            {
                final long startNs = System.nanoTime();
                // one duty cycle declares a deadline a minute away, then the answer arrives: no more declarations
                idle.stayAwakeUntil(startNs + TimeUnit.MINUTES.toNanos(1));
                idle.idle(1);
                while (work.get() == 0)
                {
                    final long blocksBefore = idle.blocks();
                    idle.idle(0);
                    if (blocksBefore == 0 && idle.blocks() > 0)
                    {
                        blockedAfterNs.compareAndSet(-1, System.nanoTime() - startNs);
                    }
                }
            });
            owner.start();
            // bounded by the class's timeout: with the deadline honoured past its cycle this never blocks in time
            Tests.await("the owner blocks long before the stale deadline", Duration.ofSeconds(10),
                () -> idle.blocks() > 0);
            work.set(1);
            idle.wakeup();
            owner.join(10_000);
            assertFalse(owner.isAlive(), "a wake-up did not end the block");
            assertTrue(blockedAfterNs.get() >= 0 && blockedAfterNs.get() < TimeUnit.SECONDS.toNanos(10),
                "blocked after " + blockedAfterNs.get() + " ns");
        }
    }

    @Test
    void shouldRefuseNonsense()
    {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new IoIdleStrategy(0, 0, 0));
    }

    @Test
    void shouldLeaveAnUnboundWakerInert() throws Exception
    {
        final IdleWaker waker = new IdleWaker();
        waker.wakeup();
        assertFalse(waker.active());
        waker.bind(new org.agrona.concurrent.BusySpinIdleStrategy());
        waker.wakeup();
        assertFalse(waker.active());
        try (IoIdleStrategy idle = new IoIdleStrategy(0, 0, NEVER_MS))
        {
            final IdleWaker bound = new IdleWaker();
            bound.bind(idle);
            assertTrue(bound.active());
            bound.wakeup();
            // the pending wake-up ends the next idle at once (a block of a minute would time the test out)
            idle.idle(0);
            idle.idle(0);
        }
    }

    /**
     * NIO closes a channel registered with a selector only once that selector selects again: a listening port closed
     * by an agent stays bound while its (shared, busy) thread does not block. Released, the port can be bound again
     * at once, as a planned switchover does with the FIX port.
     */
    @Test
    void shouldFreeAClosedListeningPortWhenAskedNotAtTheNextBlock() throws Exception
    {
        try (IoIdleStrategy idle = new IoIdleStrategy(0, 0, NEVER_MS))
        {
            final IdleWaker waker = new IdleWaker();
            waker.bind(idle);
            final ServerSocketChannel first = ServerSocketChannel.open();
            first.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            first.configureBlocking(false);
            final InetSocketAddress address = (InetSocketAddress)first.getLocalAddress();
            waker.watch(first, SelectionKey.OP_ACCEPT);
            // the owner passes once through its selector, so the registration is in effect
            idle.releaseClosedChannels();
            first.close();

            // not released yet: the socket still listens, and binding the port again fails
            assertTrue(failsToBind(address), "a closed, watched listening port was free before any select");

            waker.releaseClosedChannels();
            try (ServerSocketChannel again = ServerSocketChannel.open())
            {
                again.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
                again.bind(address);
                assertEquals(address.getPort(), ((InetSocketAddress)again.getLocalAddress()).getPort());
            }
        }
    }

    private static boolean failsToBind(final InetSocketAddress address) throws Exception
    {
        try (ServerSocketChannel probe = ServerSocketChannel.open())
        {
            probe.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(address);
            return false;
        }
        catch (final java.net.BindException expected)
        {
            return true;
        }
    }
}
