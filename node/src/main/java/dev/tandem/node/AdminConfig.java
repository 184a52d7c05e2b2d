package dev.tandem.node;

import dev.tandem.journal.config.ConfigTable;
import dev.tandem.journal.config.HostPort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * YAML section {@code admin: { listen: "127.0.0.1:9780", tokenFile: /etc/tandem/admin.token }}: the admin HTTP API,
 * on loopback unless told otherwise. Port 0 picks a free port, which the node prints at start-up. Every
 * state-changing call needs {@code Authorization: Bearer <token>}, the token read from {@code tokenFile} or the
 * environment variable named by {@code tokenEnv}; without a token configured they are refused (403). The token is
 * never written back out, logged or shown in metrics.
 * <p>
 * Threading: read at start-up, immutable afterwards.
 */
public final class AdminConfig
{
    /** The YAML keys of the {@code admin} section, one per fluent setter. */
    public static final ConfigTable<AdminConfig> CONFIG = new ConfigTable<AdminConfig>("admin")
        .text("listen", AdminConfig::listen)
        .text("tokenFile", AdminConfig::tokenFile)
        .text("tokenEnv", AdminConfig::tokenEnv);

    /** Loopback: the admin API can activate a node, so it is not exposed unless the user says so. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:0";
    /** Shortest token accepted: 16 characters, so guessing it over HTTP is hopeless. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private String listen = DEFAULT_LISTEN;
    private String tokenFile;
    private String tokenEnv;
    private byte[] token;

    public String listen()
    {
        return listen;
    }

    public AdminConfig listen(final String listen)
    {
        this.listen = listen;
        return this;
    }

    /** A file holding the admin token (surrounding whitespace ignored), or null. */
    public String tokenFile()
    {
        return tokenFile;
    }

    public AdminConfig tokenFile(final String tokenFile)
    {
        this.tokenFile = tokenFile;
        return this;
    }

    /** The name of an environment variable holding the admin token, or null. */
    public String tokenEnv()
    {
        return tokenEnv;
    }

    public AdminConfig tokenEnv(final String tokenEnv)
    {
        this.tokenEnv = tokenEnv;
        return this;
    }

    /** The token read by {@link #validate()}, or null when none is configured (state-changing calls refused). */
    byte[] token()
    {
        return token == null ? null : token.clone();
    }

    void validate()
    {
        HostPort.parse("admin.listen", listen, true);
        if (tokenFile != null && tokenEnv != null)
        {
            throw new ConfigException("admin: both tokenFile and tokenEnv are set; choose one");
        }
        String text = null;
        if (tokenFile != null)
        {
            try
            {
                text = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
            }
            catch (final IOException | RuntimeException ex)
            {
                throw new ConfigException("admin.tokenFile: '" + tokenFile + "' cannot be read: " + ex.getMessage(), ex);
            }
            if (text.length() < MIN_TOKEN_LENGTH)
            {
                throw new ConfigException("admin.tokenFile: '" + tokenFile + "' holds a token shorter than " +
                    MIN_TOKEN_LENGTH + " characters");
            }
        }
        else if (tokenEnv != null)
        {
            text = System.getenv(tokenEnv);
            if (text == null || text.strip().length() < MIN_TOKEN_LENGTH)
            {
                throw new ConfigException("admin.tokenEnv: environment variable '" + tokenEnv + "' is not set or " +
                    "holds fewer than " + MIN_TOKEN_LENGTH + " characters");
            }
            text = text.strip();
        }
        token = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString()
    {
        return "AdminConfig{listen=" + listen + ", tokenFile=" + tokenFile + ", tokenEnv=" + tokenEnv + "}";
    }
}
