package dev.tandem.benchmarks.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The floor of the node-level harness: a child process that sends every byte it receives straight back, with no FIX
 * parsing, no journal and no replication. The load client times its own orders against it exactly as against a FIX
 * acceptor (its echoed Logon answers its Logon), so what it measures is the client, the loopback and the kernel's
 * wake-ups: what no acceptor can beat. Blocking sockets, one thread per connection, {@code TCP_NODELAY}.
 * <pre>
 * java -cp benchmarks.jar dev.tandem.benchmarks.node.RawEchoServer   # prints "ACCEPTOR READY port=N"
 * </pre>
 * Threading: the main thread accepts; one thread per connection echoes.
 */
public final class RawEchoServer
{
    private RawEchoServer()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            System.out.println(NodeLatencyHarness.READY + server.getLocalPort());
            System.out.flush();
            while (true)
            {
                final Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                final Thread echo = new Thread(() -> echo(socket), "raw-echo");
                echo.setDaemon(true);
                echo.start();
            }
        }
    }

    private static void echo(final Socket socket)
    {
        final byte[] buffer = new byte[64 * 1024];
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream())
        {
            int read;
            while ((read = in.read(buffer)) >= 0)
            {
                out.write(buffer, 0, read);
            }
        }
        catch (final IOException ignore)
        {
            // the client went away
        }
    }
}
