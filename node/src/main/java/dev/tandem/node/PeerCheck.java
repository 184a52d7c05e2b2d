package dev.tandem.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks the peer node's admin API ({@code GET /service/state}) for its mode and epoch, so that a node can refuse to
 * start as a second primary at the same epoch, a returning old primary can start fenced, and a Hot node can find out
 * while it runs that its peer claims Hot too ({@link DualPrimaryCheck}).
 * <p>
 * Threading: stateless; any thread. Blocks for at most twice the timeout (connect, then read): about four seconds by
 * default.
 */
final class PeerCheck
{
    /** Long enough for a peer JVM that just started on a loaded host to answer its first request. */
    static final int TIMEOUT_MS = 2_000;
    /** A node's answer is a few hundred bytes (its reason included); whatever answers at peerAdmin gets no more. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final Pattern NODE_ID = Pattern.compile("\"nodeId\":(\\d+)");
    private static final Pattern MODE = Pattern.compile("\"mode\":\"(\\w+)\"");
    private static final Pattern EPOCH = Pattern.compile("\"epoch\":(\\d+)");
    private static final Pattern POSITION = Pattern.compile("\"position\":(\\d+)");
    private static final Pattern PROOF = Pattern.compile("\"proof\":\"([0-9a-fA-F]+)\"");

    /**
     * What the peer said; {@code proof} is its {@link StateProof} of the answer (hex) when it was asked with a nonce
     * and holds a secret, else null. Nothing here is authenticated until {@link StateProof#verify} says so.
     */
    record Result(int nodeId, NodeMode mode, long epoch, long position, String proof)
    {
        Result(final int nodeId, final NodeMode mode, final long epoch, final long position)
        {
            this(nodeId, mode, epoch, position, null);
        }
    }

    private PeerCheck()
    {
    }

    /** The peer's state, or null when no peer is configured or it does not answer. */
    static Result query(final String peerAdmin)
    {
        return query(peerAdmin, TIMEOUT_MS);
    }

    /**
     * The peer's state, or null when no peer is configured or it does not answer within {@code timeoutMs} to connect
     * and as much again to answer.
     */
    static Result query(final String peerAdmin, final int timeoutMs)
    {
        return query(peerAdmin, timeoutMs, null);
    }

    /**
     * As {@link #query(String, int)}, asking {@code GET /service/state?nonce=...} when {@code nonce} is not null (a
     * peer holding the replication secret then adds its proof, see {@link StateProof}).
     */
    static Result query(final String peerAdmin, final int timeoutMs, final String nonce)
    {
        if (peerAdmin == null)
        {
            return null;
        }
        try
        {
            final HttpURLConnection connection = (HttpURLConnection)new URL("http://" + peerAdmin + "/service/state" +
                (nonce == null ? "" : "?nonce=" + nonce)).openConnection();
            connection.setConnectTimeout(timeoutMs);
            connection.setReadTimeout(timeoutMs);
            try
            {
                if (connection.getResponseCode() != 200)
                {
                    return null;
                }
                final String body;
                try (InputStream in = connection.getInputStream())
                {
                    body = new String(in.readNBytes(MAX_ANSWER_BYTES), StandardCharsets.UTF_8);
                }
                return parse(body);
            }
            finally
            {
                connection.disconnect();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    static Result parse(final String json)
    {
        final Matcher nodeId = NODE_ID.matcher(json);
        final Matcher mode = MODE.matcher(json);
        final Matcher epoch = EPOCH.matcher(json);
        if (!nodeId.find() || !mode.find() || !epoch.find())
        {
            return null;
        }
        final Matcher position = POSITION.matcher(json);
        final Matcher proof = PROOF.matcher(json);
        return new Result(Integer.parseInt(nodeId.group(1)), NodeMode.valueOf(mode.group(1)),
            Long.parseLong(epoch.group(1)), position.find() ? Long.parseLong(position.group(1)) : -1,
            proof.find() ? proof.group(1) : null);
    }
}
