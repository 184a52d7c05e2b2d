package dev.tandem.benchmarks.node;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.mina.core.service.IoAcceptor;
import quickfix.ApplicationAdapter;
import quickfix.DefaultMessageFactory;
import quickfix.FieldNotFound;
import quickfix.FileStoreFactory;
import quickfix.Message;
import quickfix.Session;
import quickfix.SessionID;
import quickfix.SessionNotFound;
import quickfix.SessionSettings;
import quickfix.SocketAcceptor;

/**
 * The baseline acceptor of the node-level harness, as its own process: QuickFIX/J 3.0.0's {@link SocketAcceptor} with
 * a {@link FileStoreFactory} (its durable store; no replication), the FIX 4.4 data dictionary on, one session
 * {@code ISLD} to {@code TW}, answering every application message with the same MsgType and body under a fresh header
 * (what the Tandem node's {@code echo} application does).
 * <pre>
 * java -cp benchmarks.jar dev.tandem.benchmarks.node.QuickFixJEchoAcceptor STORE_DIR   # "ACCEPTOR READY port=N"
 * </pre>
 * Threading: QuickFIX/J's own (its default single-threaded session processing).
 */
public final class QuickFixJEchoAcceptor extends ApplicationAdapter
{
    private QuickFixJEchoAcceptor()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 1)
        {
            throw new IllegalArgumentException("usage: QuickFixJEchoAcceptor STORE_DIR");
        }
        final Path storeDir = Files.createDirectories(Path.of(args[0]));
        final SessionSettings settings = new SessionSettings();
        settings.setString("ConnectionType", "acceptor");
        settings.setString("SocketAcceptAddress", "127.0.0.1");
        settings.setString("SocketAcceptPort", "0");
        settings.setString("StartTime", "00:00:00");
        settings.setString("EndTime", "00:00:00");
        settings.setString("NonStopSession", "Y");
        settings.setString("UseDataDictionary", "Y");
        settings.setString("DataDictionary", "FIX44.xml");
        settings.setString("SocketTcpNoDelay", "Y");
        settings.setString("FileStorePath", storeDir.toString());
        final SessionID id = new SessionID("FIX.4.4", "ISLD", "TW");
        settings.setString(id, "BeginString", "FIX.4.4");
        final SocketAcceptor acceptor = new SocketAcceptor(new QuickFixJEchoAcceptor(),
            new FileStoreFactory(settings), settings, null, new DefaultMessageFactory());
        acceptor.start();
        int port = -1;
        for (final IoAcceptor endpoint : acceptor.getEndpoints())
        {
            port = ((InetSocketAddress)endpoint.getLocalAddress()).getPort();
        }
        System.out.println(NodeLatencyHarness.READY + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    @Override
    public void fromApp(final Message message, final SessionID sessionId) throws FieldNotFound
    {
        final Message echo = (Message)message.clone();
        final String msgType = message.getHeader().getString(35);
        echo.getHeader().clear();
        echo.getTrailer().clear();
        echo.getHeader().setString(35, msgType);
        try
        {
            Session.sendToTarget(echo, sessionId);
        }
        catch (final SessionNotFound ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
