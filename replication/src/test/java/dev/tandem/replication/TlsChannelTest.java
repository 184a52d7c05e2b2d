package dev.tandem.replication;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.tandem.replication.FrameDescriptor.ORDER;
import static dev.tandem.replication.FrameDescriptor.HEADER_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames over TLS over a real loopback socket pair, stepped by hand: the handshake completes without blocking,
 * decrypted bytes that did not fit the receive buffer wait in the TLS layer while the socket has nothing to read (and
 * {@link FrameChannel#hasBufferedInput()} says so until they are taken), and a close sends close_notify.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsChannelTest
{
    private static final int FRAMES = 20;
    private static final int FRAME_LENGTH = 500;
    private static TestCertificates certificates;
    private static TlsContext tls;

    private ServerSocketChannel server;
    private SocketChannel clientSocket;
    private SocketChannel serverSocket;
    private final List<Integer> received = new ArrayList<>();

    @BeforeAll
    static void makeCertificates()
    {
        certificates = new TestCertificates();
        tls = certificates.nodeTls();
        tls.conclude("tls");
    }

    @AfterAll
    static void deleteCertificates()
    {
        if (certificates != null)
        {
            certificates.close();
        }
    }

    @BeforeEach
    void before() throws IOException
    {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        clientSocket = SocketChannel.open(server.getLocalAddress());
        serverSocket = server.accept();
        clientSocket.configureBlocking(false);
        serverSocket.configureBlocking(false);
    }

    @AfterEach
    void after() throws IOException
    {
        clientSocket.close();
        serverSocket.close();
        server.close();
    }

    @Test
    void shouldKeepDecryptedBytesAsBufferedInputUntilTakenAndSendCloseNotify() throws IOException
    {
        final int port = ((InetSocketAddress)server.getLocalAddress()).getPort();
        final FrameChannel writer = new FrameChannel(64 * 1024, 64 * 1024).reset(clientSocket,
            new TlsChannel(tls.packetBufferBytes(), tls.applicationBufferBytes())
                .reset(clientSocket, tls.newEngine(true, "127.0.0.1", port)));
        // a receive buffer far smaller than one TLS record: a record's plaintext cannot be taken in one read
        final FrameChannel reader = new FrameChannel(2048, 2048).maxFrameLength(1024).reset(serverSocket,
            new TlsChannel(tls.packetBufferBytes(), tls.applicationBufferBytes())
                .reset(serverSocket, tls.newEngine(false, null, 0)));

        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!writer.tls().handshakeDone() || !reader.tls().handshakeDone())
        {
            writer.read();
            writer.flush();
            reader.read();
            reader.flush();
            assertTrue(System.nanoTime() < deadline, "TLS handshake did not complete");
        }

        for (int i = 0; i < FRAMES; i++)
        {
            final int at = writer.claim(FRAME_LENGTH);
            FrameDescriptor.header(writer.sendBuffer(), at, FRAME_LENGTH, FrameDescriptor.TYPE_HEARTBEAT);
            writer.sendBuffer().putInt(at + HEADER_LENGTH, i, ORDER);
            writer.commit(at, FRAME_LENGTH);
        }
        // one flush: all 10,000 bytes go out as one record
        while (writer.pendingBytes() > 0)
        {
            writer.flush();
            assertTrue(System.nanoTime() < deadline, "could not write");
        }

        int readsWithoutSocket = 0;
        try (Selector selector = Selector.open())
        {
            serverSocket.register(selector, SelectionKey.OP_READ);
            while (received.size() < FRAMES)
            {
                final boolean socketReadable = selector.selectNow() > 0;
                selector.selectedKeys().clear();
                final boolean buffered = reader.hasBufferedInput();
                final int read = reader.read();
                if (read > 0 && !socketReadable)
                {
                    assertTrue(buffered, "bytes came without the socket and without buffered input");
                    readsWithoutSocket++;
                }
                reader.poll((buffer, offset, length, type) -> received.add(buffer.getInt(offset + HEADER_LENGTH,
                    ORDER)), Integer.MAX_VALUE);
                assertTrue(System.nanoTime() < deadline, "received only " + received.size() + " frames");
            }
        }
        assertTrue(readsWithoutSocket > 0, "every read found the socket readable: nothing was left in the TLS layer");
        assertFalse(reader.hasBufferedInput());
        for (int i = 0; i < FRAMES; i++)
        {
            assertEquals(i, received.get(i));
        }

        // the writer takes what the reader sent after its handshake (TLS 1.3 session tickets), or closing a socket
        // with unread bytes would send a reset instead of a close
        assertEquals(0, writer.read());
        writer.close();
        int read = 0;
        while (read == 0)
        {
            read = reader.read();
            assertTrue(System.nanoTime() < deadline, "no close_notify");
        }
        assertEquals(-1, read, "close_notify ends the stream");
        assertTrue(reader.tls().closeNotifyReceived(), "ended by close_notify, not by a bare end of stream");
    }
}
