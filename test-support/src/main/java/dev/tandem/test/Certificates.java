package dev.tandem.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at run time by the JDK's {@code keytool}, run as a child process, in a temp dir, for tests and
 * benchmarks of TLS links: a CA, a node certificate it signs (subject alternative names 127.0.0.1 and localhost, so
 * host name checks pass on loopback), a self-signed "rogue" certificate no trust store holds, and a trust store with
 * the CA. Every store is PKCS12 with the same password ({@link #PASSWORD}), kept in {@link #passwordFile}. EC keys:
 * made in milliseconds. Valid for two days: never for anything but a test.
 * <p>
 * Not thread safe; made once per test class or benchmark rig. {@link #close()} deletes the directory.
 */
public final class Certificates implements AutoCloseable
{
    /** The password of every store, also in {@link #passwordFile}. */
    public static final String PASSWORD = "test-store-password";
    private static final long KEYTOOL_TIMEOUT_S = 60;

    /** The directory holding every file below. */
    public final Path dir;
    /** A file holding {@link #PASSWORD} and a line end. */
    public final Path passwordFile;
    /** The CA's key store. */
    public final Path ca;
    /** A trust store holding the CA's certificate. */
    public final Path trustStore;
    /** A node's key store: its key and the certificate the CA signed, with the CA's certificate. */
    public final Path node;
    /** A key store with a self-signed certificate no trust store here holds. */
    public final Path rogue;

    public Certificates()
    {
        dir = Tests.tempDir("tls-certs");
        passwordFile = dir.resolve("password.txt");
        ca = dir.resolve("ca.p12");
        trustStore = dir.resolve("trust.p12");
        node = dir.resolve("node.p12");
        rogue = dir.resolve("rogue.p12");
        try
        {
            Files.writeString(passwordFile, PASSWORD + "\n", StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final Path caPem = dir.resolve("ca.pem");
        final Path nodeCsr = dir.resolve("node.csr");
        final Path nodePem = dir.resolve("node.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=tandem-test-ca", "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool("-exportcert", "-alias", "ca", "-rfc", "-file", caPem.toString(), "-keystore", ca.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
            trustStore.toString());
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=tandem-test-node", "-validity", "2", "-keystore", node.toString());
        keytool("-certreq", "-alias", "node", "-file", nodeCsr.toString(), "-keystore", node.toString());
        keytool("-gencert", "-alias", "ca", "-infile", nodeCsr.toString(), "-outfile", nodePem.toString(), "-rfc",
            "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost", "-keystore", ca.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", node.toString());
        keytool("-importcert", "-alias", "node", "-file", nodePem.toString(), "-keystore", node.toString());
        keytool("-genkeypair", "-alias", "rogue", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=tandem-test-rogue", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore",
            rogue.toString());
    }

    private void keytool(final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        try
        {
            final Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("keytool.log").toFile()).start();
            if (!process.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish in " + KEYTOOL_TIMEOUT_S + " s: " + command);
            }
            if (process.exitValue() != 0)
            {
                throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + command + "\n" +
                    Files.readString(dir.resolve("keytool.log")));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", ex);
        }
    }

    @Override
    public void close()
    {
        Tests.deleteRecursively(dir);
    }
}
