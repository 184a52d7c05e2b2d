package dev.tandem.replication;

import dev.tandem.test.Certificates;

import java.nio.file.Path;

/**
 * The test-support {@link Certificates} applied to a {@link TlsContext}: a node's stores (its certificate signed by the
 * CA, the CA as trust) or the rogue's (self-signed, trusting the CA).
 * <p>
 * Not thread safe; made once per test class.
 */
final class TestCertificates implements AutoCloseable
{
    static final String PASSWORD = Certificates.PASSWORD;

    final Path passwordFile;
    final Path trustStore;
    final Path node;
    private final Certificates certificates = new Certificates();

    TestCertificates()
    {
        passwordFile = certificates.passwordFile;
        trustStore = certificates.trustStore;
        node = certificates.node;
    }

    /** TLS with this node's certificate (signed by the CA) and the CA as trust. */
    TlsContext nodeTls()
    {
        return applyNode(new TlsContext());
    }

    /** Sets the stores of {@code target} (a context's own {@link TlsContext}); this node's certificate. */
    TlsContext applyNode(final TlsContext target)
    {
        return apply(target, certificates.node);
    }

    /** Sets the stores of {@code target} to the self-signed rogue certificate, trusting the CA. */
    TlsContext applyRogue(final TlsContext target)
    {
        return apply(target, certificates.rogue);
    }

    private TlsContext apply(final TlsContext target, final Path keyStore)
    {
        return target
            .keyStore(keyStore.toString())
            .keyStorePasswordFile(passwordFile.toString())
            .trustStore(trustStore.toString())
            .trustStorePasswordFile(passwordFile.toString());
    }

    @Override
    public void close()
    {
        certificates.close();
    }
}
