package dev.tandem.replication;

import dev.tandem.test.Tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time by the JDK's {@code keytool}, run as a child process, in a temp dir: a CA, a node
 * certificate it signs (subject alternative names 127.0.0.1 and localhost, so host name checks pass on loopback), a
 * self-signed "rogue" certificate no trust store holds, and a trust store with the CA. Every store is PKCS12 with the
 * same password, kept in a password file. EC keys: generated in milliseconds.
 * <p>
 * Not thread safe; made once per test class.
 */
final class TestCertificates implements AutoCloseable
{
    static final String PASSWORD = "test-store-password";
    private static final long KEYTOOL_TIMEOUT_S = 60;

    final Path dir;
    final Path passwordFile;
    final Path ca;
    final Path trustStore;
    final Path node;
    final Path rogue;

    TestCertificates()
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

    /** TLS with this node's certificate (signed by the CA) and the CA as trust. */
    TlsContext nodeTls()
    {
        return tls(node);
    }

    /** TLS with the self-signed rogue certificate, trusting the CA (so it would accept a real node). */
    TlsContext rogueTls()
    {
        return tls(rogue);
    }

    /** Sets the stores of {@code target} (a context's own {@link TlsContext}); this node's certificate. */
    TlsContext applyNode(final TlsContext target)
    {
        return apply(target, node);
    }

    TlsContext applyRogue(final TlsContext target)
    {
        return apply(target, rogue);
    }

    private TlsContext tls(final Path keyStore)
    {
        return apply(new TlsContext(), keyStore);
    }

    private TlsContext apply(final TlsContext target, final Path keyStore)
    {
        return target
            .keyStore(keyStore.toString())
            .keyStorePasswordFile(passwordFile.toString())
            .trustStore(trustStore.toString())
            .trustStorePasswordFile(passwordFile.toString());
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
                throw new AssertionError("keytool did not finish in " + KEYTOOL_TIMEOUT_S + " s: " + command);
            }
            if (process.exitValue() != 0)
            {
                throw new AssertionError("keytool failed (" + process.exitValue() + "): " + command + "\n" +
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
            throw new AssertionError("interrupted while running keytool", ex);
        }
    }

    @Override
    public void close()
    {
        Tests.deleteRecursively(dir);
    }
}
