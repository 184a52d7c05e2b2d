package dev.tandem.replication;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * TLS over one non-blocking socket, under a {@link FrameChannel}: {@link #read} and {@link #write} take and give
 * plaintext like the socket's own, and drive the handshake (non-blocking: a call returns 0 while it waits for the
 * peer) until it is done; the caller bounds it with its handshake deadline. The buffers are direct and allocated
 * once: {@code netIn} holds bytes read from the socket and not yet decrypted, {@code appIn} decrypted bytes the caller
 * has not yet taken, {@code netOut} encrypted bytes the socket has not yet taken. Decrypted data can wait in
 * {@code appIn} (and whole records in {@code netIn}) while the socket has nothing to read: the owning agent asks
 * {@link #hasBufferedInput()} and counts it as work, so its idle strategy never sleeps on data already here.
 * <p>
 * A TLS failure (an untrusted or missing certificate, a plain peer, a broken record) throws {@link SSLException};
 * the engine's alert is sent best effort, and every later call throws too.
 * <p>
 * Not thread safe: owned by one agent. The engine's delegated tasks (certificate checks) run inline on that thread.
 */
final class TlsChannel
{
    /** Header of a TLS record: type, version, length. */
    private static final int RECORD_HEADER_BYTES = 5;
    /** Steps of one handshake call: each waits for nothing, so this only guards against an engine that loops. */
    private static final int MAX_HANDSHAKE_STEPS = 64;
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0);

    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private final ByteBuffer appIn;
    private SocketChannel socket;
    private SSLEngine engine;
    private boolean handshakeDone;
    private boolean failed;
    private boolean inboundClosed;

    /**
     * @param packetBytes      the largest record ({@link TlsContext#packetBufferBytes()}).
     * @param applicationBytes the largest plaintext of a record ({@link TlsContext#applicationBufferBytes()}).
     */
    TlsChannel(final int packetBytes, final int applicationBytes)
    {
        netIn = ByteBuffer.allocateDirect(packetBytes);
        netOut = ByteBuffer.allocateDirect(packetBytes);
        appIn = ByteBuffer.allocateDirect(applicationBytes);
    }

    /** Starts over on a new connection with a new engine; the buffers are kept. */
    TlsChannel reset(final SocketChannel socket, final SSLEngine engine) throws SSLException
    {
        this.socket = socket;
        this.engine = engine;
        netIn.clear();
        netOut.clear().limit(0);
        appIn.clear().limit(0);
        handshakeDone = false;
        failed = false;
        inboundClosed = false;
        engine.beginHandshake();
        return this;
    }

    SocketChannel socket()
    {
        return socket;
    }

    /** True once the handshake has completed on this end. */
    boolean handshakeDone()
    {
        return handshakeDone;
    }

    /**
     * Reads plaintext into {@code dst}: what is already decrypted, then whole records already received, then one read
     * of the socket.
     *
     * @return plaintext bytes given, 0 when none (also while handshaking), -1 at end of stream or close_notify.
     * @throws SSLException when TLS fails.
     */
    int read(final ByteBuffer dst) throws IOException
    {
        checkNotFailed();
        int given = drainAppIn(dst);
        if (!handshakeDone && !handshake())
        {
            return given > 0 ? given : inboundClosed ? -1 : 0;
        }
        given += drainAppIn(dst);
        boolean socketRead = false;
        while (dst.hasRemaining() && !inboundClosed)
        {
            // the engine is asked only for a whole record: each call allocates its result, and an agent polls often
            final int produced = hasWholeRecord() ? unwrap() : -1;
            if (produced > 0)
            {
                given += drainAppIn(dst);
            }
            else if (produced == 0)
            {
                // a record without application data (a session ticket, a key update): maybe more follow
                continue;
            }
            else
            {
                // no whole record buffered: read the socket once per call, as a plain channel does
                if (socketRead || hasWholeRecord())
                {
                    // read once already, or the engine takes no record until it has written its answer
                    break;
                }
                if (!netIn.hasRemaining())
                {
                    // full without a whole record: the peer announced a record longer than TLS allows
                    fail();
                    throw new SSLException("TLS: a record longer than " + netIn.capacity() + " bytes");
                }
                socketRead = true;
                final int read = socket.read(netIn);
                if (read < 0)
                {
                    inboundClosed = true;
                }
                else if (read == 0)
                {
                    break;
                }
            }
        }
        return given == 0 && inboundClosed && !appIn.hasRemaining() ? -1 : given;
    }

    /**
     * Encrypts what it can of {@code src} and writes it; first whatever earlier calls left unwritten. Drives the
     * handshake until it is done (taking nothing meanwhile).
     *
     * @return plaintext bytes taken from {@code src}.
     * @throws SSLException when TLS fails.
     */
    int write(final ByteBuffer src) throws IOException
    {
        checkNotFailed();
        if (!handshakeDone && !handshake())
        {
            return 0;
        }
        if (!flushNetOut())
        {
            return 0;
        }
        int taken = 0;
        while (src.hasRemaining())
        {
            final SSLEngineResult result = wrap(src);
            taken += result.bytesConsumed();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED)
            {
                throw new IOException("TLS: the connection is closed for writing");
            }
            if (!flushNetOut())
            {
                break;
            }
        }
        return taken;
    }

    /** True once the peer's close_notify has arrived (an orderly TLS close, not a bare end of stream). */
    boolean closeNotifyReceived()
    {
        return engine != null && engine.isInboundDone();
    }

    /** Encrypted bytes the socket has not yet taken. */
    int pendingBytes()
    {
        return netOut.remaining();
    }

    /**
     * True when plaintext is waiting without the socket being readable: decrypted bytes not yet taken, or a whole
     * record received and not yet decrypted.
     */
    boolean hasBufferedInput()
    {
        if (appIn.hasRemaining())
        {
            return true;
        }
        return handshakeDone && hasWholeRecord();
    }

    /** True when {@code netIn} holds at least one whole record (read from its header, without the engine). */
    private boolean hasWholeRecord()
    {
        final int buffered = netIn.position();
        if (buffered < RECORD_HEADER_BYTES)
        {
            return false;
        }
        final int length = ((netIn.get(3) & 0xFF) << 8) | (netIn.get(4) & 0xFF);
        return buffered >= RECORD_HEADER_BYTES + length;
    }

    /** Sends close_notify (best effort, without waiting for the socket) and closes the socket. */
    void close()
    {
        if (socket == null)
        {
            return;
        }
        try
        {
            if (!failed && handshakeDone && socket.isConnected())
            {
                engine.closeOutbound();
                if (flushNetOut())
                {
                    wrap(EMPTY);
                    flushNetOut();
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // closing anyway
        }
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
            // closing anyway
        }
        socket = null;
        engine = null;
    }

    /**
     * Advances the handshake as far as it goes without waiting.
     *
     * @return true once it is done.
     */
    private boolean handshake() throws IOException
    {
        try
        {
            for (int step = 0; step < MAX_HANDSHAKE_STEPS; step++)
            {
                if (!flushNetOut())
                {
                    return false;
                }
                switch (engine.getHandshakeStatus())
                {
                    case NEED_TASK:
                        runTasks();
                        break;
                    case NEED_WRAP:
                        if (wrap(EMPTY).getStatus() == SSLEngineResult.Status.CLOSED && !netOut.hasRemaining())
                        {
                            throw new SSLException("TLS: the peer closed the connection during the handshake");
                        }
                        break;
                    case NEED_UNWRAP:
                    case NEED_UNWRAP_AGAIN:
                        if (appIn.hasRemaining())
                        {
                            // application data arrived with the last handshake message: take it first
                            return false;
                        }
                        if (unwrap() < 0)
                        {
                            if (!netIn.hasRemaining())
                            {
                                throw new SSLException("TLS: a handshake record larger than " + netIn.capacity() +
                                    " bytes");
                            }
                            final int read = socket.read(netIn);
                            if (read < 0)
                            {
                                inboundClosed = true;
                                throw new EOFException("closed by the peer during the TLS handshake");
                            }
                            if (read == 0)
                            {
                                return false;
                            }
                        }
                        break;
                    default:
                        // NOT_HANDSHAKING (FINISHED is only ever a result's status)
                        handshakeDone = true;
                        return true;
                }
            }
            return false;
        }
        catch (final SSLException ex)
        {
            fail();
            throw ex;
        }
    }

    /**
     * Decrypts one record from {@code netIn} into the empty {@code appIn}, and answers what the record asks for (a
     * key update's reply).
     *
     * @return plaintext bytes produced, or -1 when {@code netIn} holds no whole record.
     */
    private int unwrap() throws IOException
    {
        if (appIn.hasRemaining())
        {
            return 0;
        }
        final SSLEngineResult result;
        appIn.clear();
        netIn.flip();
        try
        {
            result = engine.unwrap(netIn, appIn);
        }
        catch (final SSLException ex)
        {
            fail();
            throw ex;
        }
        finally
        {
            netIn.compact();
            appIn.flip();
        }
        switch (result.getStatus())
        {
            case BUFFER_UNDERFLOW:
                return -1;
            case BUFFER_OVERFLOW:
                fail();
                throw new SSLException("TLS: a record's plaintext exceeds " + appIn.capacity() + " bytes");
            case CLOSED:
                inboundClosed = true;
                return result.bytesProduced();
            default:
                break;
        }
        if (result.bytesConsumed() == 0 && result.bytesProduced() == 0)
        {
            // the engine wants something else first (an answer it could not yet write): nothing more to read now
            return -1;
        }
        if (handshakeDone)
        {
            afterRecord();
        }
        return result.bytesProduced();
    }

    /** After the handshake, a record may ask for a task or an answer (TLS 1.3 key update). */
    private void afterRecord() throws IOException
    {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        for (int step = 0; step < MAX_HANDSHAKE_STEPS && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING &&
            status != SSLEngineResult.HandshakeStatus.FINISHED; step++)
        {
            if (status == SSLEngineResult.HandshakeStatus.NEED_TASK)
            {
                runTasks();
            }
            else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP)
            {
                if (!flushNetOut())
                {
                    return;
                }
                wrap(EMPTY);
                flushNetOut();
            }
            else
            {
                return;
            }
            status = engine.getHandshakeStatus();
        }
    }

    /** Encrypts into the empty {@code netOut} (call only after {@link #flushNetOut()} returned true). */
    private SSLEngineResult wrap(final ByteBuffer src) throws IOException
    {
        netOut.clear();
        try
        {
            final SSLEngineResult result = engine.wrap(src, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW)
            {
                fail();
                throw new SSLException("TLS: a record exceeds " + netOut.capacity() + " bytes");
            }
            return result;
        }
        catch (final SSLException ex)
        {
            fail();
            throw ex;
        }
        finally
        {
            netOut.flip();
        }
    }

    /** @return true when nothing encrypted is left to write. */
    private boolean flushNetOut() throws IOException
    {
        if (netOut.hasRemaining())
        {
            socket.write(netOut);
        }
        return !netOut.hasRemaining();
    }

    private void runTasks()
    {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null)
        {
            task.run();
        }
    }

    private int drainAppIn(final ByteBuffer dst)
    {
        final int count = Math.min(appIn.remaining(), dst.remaining());
        if (count == 0)
        {
            return 0;
        }
        final int limit = appIn.limit();
        appIn.limit(appIn.position() + count);
        dst.put(appIn);
        appIn.limit(limit);
        return count;
    }

    /**
     * The engine failed: it has made an alert telling the peer why; send it without waiting, then refuse every
     * later call.
     */
    private void fail()
    {
        if (failed)
        {
            return;
        }
        failed = true;
        try
        {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(EMPTY, netOut);
            netOut.flip();
            socket.write(netOut);
        }
        catch (final IOException | RuntimeException ignore)
        {
            // the alert is a courtesy
        }
    }

    private void checkNotFailed() throws SSLException
    {
        if (failed)
        {
            throw new SSLException("TLS: the connection has failed");
        }
    }
}
