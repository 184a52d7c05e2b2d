package dev.tandem.replication;

import dev.tandem.journal.config.ConfigTable;
import net.openhft.chronicle.wire.WireOut;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * TLS on the replication link (the {@code tls} section of a source's or a sink's context), beside the shared-secret
 * handshake, which stays: TLS protects the bytes in transit and authenticates each host by its certificate, the
 * shared secret proves membership of the cluster.
 * <pre>
 * tls: {
 *   keyStore: /etc/tandem/node.p12,                 # PKCS12: this node's key and certificate chain
 *   keyStorePasswordFile: /etc/tandem/node.p12.pass,
 *   trustStore: /etc/tandem/ca.p12,                 # PKCS12: the CA (or certificates) whose peers are trusted
 *   trustStorePasswordFile: /etc/tandem/ca.p12.pass,
 *   protocols: [ TLSv1.3 ],                         # default [ TLSv1.3 ]
 *   verifyHostname: true                            # sink only; default true: the source's certificate must name
 * }                                                 # the host the sink connects to (a DNS or IP subject alt name)
 * </pre>
 * Without the section (no key set) the link is plain TCP. With it, all four store keys are required; both ends must
 * have it (a plain peer is refused by a TLS one, and the other way round). Both ends authenticate each other: the
 * source requires the sink's certificate ({@code needClientAuth}). Passwords are read from files (trailing line
 * breaks ignored), never written in YAML, logged or written back out.
 * <p>
 * Not thread safe while being configured; after {@link #conclude(String)} it may make engines on any thread.
 */
public final class TlsContext
{
    /** Only TLS 1.3 unless told otherwise: one round trip less and no legacy cipher suites to get wrong. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3");
    /** The only store type read: the JDK's default, and the one every tool writes. */
    static final String STORE_TYPE = "PKCS12";

    /** The keys of the {@code tls} section, each with its setter's name. */
    public static final ConfigTable<TlsContext> CONFIG = new ConfigTable<TlsContext>("tls")
        .text("keyStore", TlsContext::keyStore)
        .text("keyStorePasswordFile", TlsContext::keyStorePasswordFile)
        .text("trustStore", TlsContext::trustStore)
        .text("trustStorePasswordFile", TlsContext::trustStorePasswordFile)
        .textList("protocols", TlsContext::protocols)
        .bool("verifyHostname", TlsContext::verifyHostname);

    private String keyStore;
    private String keyStorePasswordFile;
    private String trustStore;
    private String trustStorePasswordFile;
    private List<String> protocols = new ArrayList<>(DEFAULT_PROTOCOLS);
    private boolean verifyHostname = true;

    private SSLContext sslContext;
    private String[] enabledProtocols;
    private int packetBufferBytes;
    private int applicationBufferBytes;

    public TlsContext keyStore(final String keyStore)
    {
        this.keyStore = keyStore;
        return this;
    }

    /** The PKCS12 file holding this node's private key and certificate chain; null for a plain link. */
    public String keyStore()
    {
        return keyStore;
    }

    public TlsContext keyStorePasswordFile(final String keyStorePasswordFile)
    {
        this.keyStorePasswordFile = keyStorePasswordFile;
        return this;
    }

    /** A file holding the key store's password (also the key's). */
    public String keyStorePasswordFile()
    {
        return keyStorePasswordFile;
    }

    public TlsContext trustStore(final String trustStore)
    {
        this.trustStore = trustStore;
        return this;
    }

    /** The PKCS12 file holding the certificates (usually one CA) a peer's certificate must chain to. */
    public String trustStore()
    {
        return trustStore;
    }

    public TlsContext trustStorePasswordFile(final String trustStorePasswordFile)
    {
        this.trustStorePasswordFile = trustStorePasswordFile;
        return this;
    }

    /** A file holding the trust store's password. */
    public String trustStorePasswordFile()
    {
        return trustStorePasswordFile;
    }

    public TlsContext protocols(final List<String> protocols)
    {
        this.protocols = protocols == null ? null : new ArrayList<>(protocols);
        return this;
    }

    /** The TLS versions offered and accepted; default {@link #DEFAULT_PROTOCOLS}. */
    public List<String> protocols()
    {
        return protocols == null ? null : Collections.unmodifiableList(protocols);
    }

    public TlsContext verifyHostname(final boolean verifyHostname)
    {
        this.verifyHostname = verifyHostname;
        return this;
    }

    /**
     * Sink only: the source's certificate must name the host in the sink's {@code source} (a DNS name or an IP
     * address subject alternative name). Default true; false trusts any certificate the trust store vouches for.
     */
    public boolean verifyHostname()
    {
        return verifyHostname;
    }

    /** True when any store key is set: the link runs TLS (and {@link #conclude} requires the rest). */
    public boolean enabled()
    {
        return keyStore != null || keyStorePasswordFile != null || trustStore != null ||
            trustStorePasswordFile != null;
    }

    /**
     * Loads the stores and makes the SSL context, when {@link #enabled()}.
     *
     * @param prefix the key path for errors, e.g. {@code "tls"}.
     * @throws IllegalArgumentException naming the key and the value (never a password).
     */
    void conclude(final String prefix)
    {
        sslContext = null;
        if (!enabled())
        {
            return;
        }
        required(prefix + ".keyStore", keyStore);
        required(prefix + ".keyStorePasswordFile", keyStorePasswordFile);
        required(prefix + ".trustStore", trustStore);
        required(prefix + ".trustStorePasswordFile", trustStorePasswordFile);
        if (protocols == null || protocols.isEmpty())
        {
            throw new IllegalArgumentException(prefix + ".protocols: " + protocols + " is empty; use e.g. [ TLSv1.3 ]");
        }
        final char[] keyPassword = password(prefix + ".keyStorePasswordFile", keyStorePasswordFile);
        final char[] trustPassword = password(prefix + ".trustStorePasswordFile", trustStorePasswordFile);
        try
        {
            final KeyStore keys = load(prefix + ".keyStore", keyStore, keyPassword);
            final KeyStore trusted = load(prefix + ".trustStore", trustStore, trustPassword);
            final KeyManagerFactory keyManagers =
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            final TrustManagerFactory trustManagers =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            try
            {
                if (!hasKey(keys))
                {
                    throw new IllegalArgumentException(prefix + ".keyStore: '" + keyStore +
                        "' holds no private key entry; it needs this node's key and certificate");
                }
                if (trusted.size() == 0)
                {
                    throw new IllegalArgumentException(prefix + ".trustStore: '" + trustStore +
                        "' holds no certificate; it needs the CA that signs the peers' certificates");
                }
                keyManagers.init(keys, keyPassword);
                trustManagers.init(trusted);
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalArgumentException(prefix + ".keyStore: '" + keyStore + "' cannot be used (" +
                    ex.getMessage() + ")", ex);
            }
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            final String[] supported = context.getSupportedSSLParameters().getProtocols();
            for (final String protocol : protocols)
            {
                if (!Arrays.asList(supported).contains(protocol))
                {
                    throw new IllegalArgumentException(prefix + ".protocols: '" + protocol + "' is not a protocol " +
                        "this JVM supports; use one of " + Arrays.toString(supported));
                }
            }
            enabledProtocols = protocols.toArray(new String[0]);
            final SSLEngine probe = context.createSSLEngine();
            probe.setEnabledProtocols(enabledProtocols);
            packetBufferBytes = probe.getSession().getPacketBufferSize();
            applicationBufferBytes = probe.getSession().getApplicationBufferSize();
            sslContext = context;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalArgumentException(prefix + ": cannot make a TLS context (" + ex.getMessage() + ")", ex);
        }
        finally
        {
            Arrays.fill(keyPassword, '\0');
            Arrays.fill(trustPassword, '\0');
        }
    }

    /** True once concluded with TLS on. */
    boolean active()
    {
        return sslContext != null;
    }

    /**
     * A new engine for one connection: the source's requires the peer's certificate, the sink's checks the source's
     * host name (unless {@link #verifyHostname()} is false).
     */
    SSLEngine newEngine(final boolean client, final String host, final int port)
    {
        final SSLEngine engine = client ? sslContext.createSSLEngine(host, port) : sslContext.createSSLEngine();
        engine.setUseClientMode(client);
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(enabledProtocols);
        if (client)
        {
            if (verifyHostname)
            {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
        }
        else
        {
            parameters.setNeedClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** The largest TLS record of the engines: the size of the network buffers. */
    int packetBufferBytes()
    {
        return packetBufferBytes;
    }

    /** The largest plaintext of one record: the size of the decrypted-data buffer. */
    int applicationBufferBytes()
    {
        return applicationBufferBytes;
    }

    /** Writes the section's keys (never a password: only the files' paths). */
    void write(final WireOut wire)
    {
        if (!enabled())
        {
            return;
        }
        wire.write("tls").marshallable(out ->
        {
            out.write("keyStore").text(keyStore);
            out.write("keyStorePasswordFile").text(keyStorePasswordFile);
            out.write("trustStore").text(trustStore);
            out.write("trustStorePasswordFile").text(trustStorePasswordFile);
            out.write("protocols").sequence(protocols, (list, seq) ->
            {
                for (final String protocol : list)
                {
                    seq.text(protocol);
                }
            });
            out.write("verifyHostname").bool(verifyHostname);
        });
    }

    @Override
    public String toString()
    {
        return enabled() ? "{keyStore=" + keyStore + ", trustStore=" + trustStore + ", protocols=" + protocols +
            ", verifyHostname=" + verifyHostname + "}" : "off";
    }

    private static void required(final String key, final String value)
    {
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException(key + ": missing; TLS needs keyStore, keyStorePasswordFile, " +
                "trustStore and trustStorePasswordFile (PKCS12 files, passwords in files)");
        }
    }

    private static char[] password(final String key, final String file)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(Path.of(file));
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new IllegalArgumentException(key + ": '" + file + "' cannot be read (" +
                ex.getClass().getSimpleName() + ")");
        }
        int length = bytes.length;
        while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r'))
        {
            length--;
        }
        final char[] password = new String(bytes, 0, length, StandardCharsets.UTF_8).toCharArray();
        Arrays.fill(bytes, (byte)0);
        if (password.length == 0)
        {
            throw new IllegalArgumentException(key + ": '" + file + "' is empty; it must hold the store's password");
        }
        return password;
    }

    private static KeyStore load(final String key, final String file, final char[] password)
    {
        try (InputStream in = Files.newInputStream(Path.of(file)))
        {
            final KeyStore store = KeyStore.getInstance(STORE_TYPE);
            store.load(in, password);
            return store;
        }
        catch (final IOException | GeneralSecurityException | RuntimeException ex)
        {
            // a wrong password shows as an IOException whose cause is an UnrecoverableKeyException
            throw new IllegalArgumentException(key + ": '" + file + "' cannot be read as a " + STORE_TYPE +
                " store with the password from its password file (" + ex.getClass().getSimpleName() + ": " +
                ex.getMessage() + ")");
        }
    }

    private static boolean hasKey(final KeyStore store) throws GeneralSecurityException
    {
        for (final String alias : Collections.list(store.aliases()))
        {
            if (store.isKeyEntry(alias))
            {
                return true;
            }
        }
        return false;
    }
}
