package dev.tandem.benchmarks.replication;

import dev.tandem.node.Dirs;
import dev.tandem.replication.TlsContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for a TLS benchmark, made by the JDK's {@code keytool} (a child process, bounded wait) in a temp dir
 * deleted by {@link #close()}: a CA and one node certificate it signs for 127.0.0.1, both nodes using the same one.
 * PKCS12 stores, the password in a file. EC P-256 keys, as a real deployment would likely choose.
 * <p>
 * Not thread safe; one per rig.
 */
final class BenchCertificates implements AutoCloseable
{
    private static final String PASSWORD = "benchmark-store-password";
    private static final long KEYTOOL_TIMEOUT_S = 60;

    private final Path dir;
    private final Path passwordFile;
    private final Path node;
    private final Path trustStore;

    BenchCertificates()
    {
        dir = ReplicationRig.tempDir("bench-tls");
        passwordFile = dir.resolve("password.txt");
        node = dir.resolve("node.p12");
        trustStore = dir.resolve("trust.p12");
        final Path ca = dir.resolve("ca.p12");
        final Path caPem = dir.resolve("ca.pem");
        final Path csr = dir.resolve("node.csr");
        final Path nodePem = dir.resolve("node.pem");
        try
        {
            Files.writeString(passwordFile, PASSWORD, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=bench-ca",
            "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool("-exportcert", "-alias", "ca", "-rfc", "-file", caPem.toString(), "-keystore", ca.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
            trustStore.toString());
        keytool("-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
            "CN=bench-node", "-validity", "2", "-keystore", node.toString());
        keytool("-certreq", "-alias", "node", "-file", csr.toString(), "-keystore", node.toString());
        keytool("-gencert", "-alias", "ca", "-infile", csr.toString(), "-outfile", nodePem.toString(), "-rfc",
            "-validity", "2", "-ext", "san=ip:127.0.0.1", "-keystore", ca.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", node.toString());
        keytool("-importcert", "-alias", "node", "-file", nodePem.toString(), "-keystore", node.toString());
    }

    /** Sets the node's stores on {@code tls} (a context's own section). */
    TlsContext apply(final TlsContext tls)
    {
        return tls.keyStore(node.toString()).keyStorePasswordFile(passwordFile.toString())
            .trustStore(trustStore.toString()).trustStorePasswordFile(passwordFile.toString());
    }

    private void keytool(final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        final Path log = dir.resolve("keytool.log");
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
            if (!process.waitFor(KEYTOOL_TIMEOUT_S, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                throw new IllegalStateException("keytool did not finish in " + KEYTOOL_TIMEOUT_S + " s: " + command);
            }
            if (process.exitValue() != 0)
            {
                throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + command + "\n" +
                    Files.readString(log));
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
        Dirs.deleteRecursively(dir);
    }
}
