package dev.tandem.replication;

/**
 * Why a replication connection was closed or refused: carried by the close frame, counted and logged by both ends.
 * The code is what travels on the wire; it is stable across releases.
 */
public enum CloseReason
{
    /** An orderly close: the agent is shutting down. */
    SHUTDOWN(0),
    /** The peer speaks another protocol version. */
    BAD_VERSION(1),
    /** The peer belongs to another cluster. */
    BAD_CLUSTER(2),
    /** The peer could not prove it holds the shared secret. */
    AUTH_FAILED(3),
    /** The sink's journal holds entries the source does not have (or a different entry at the same position). */
    DIVERGED(4),
    /** A frame that breaks the protocol: unknown type, bad magic, bad checksum, out of order, gap. */
    PROTOCOL_ERROR(5),
    /** A frame longer than the receiver accepts. */
    FRAME_TOO_LONG(6),
    /** Nothing was received for longer than the heartbeat timeout. */
    HEARTBEAT_TIMEOUT(7),
    /** Another authenticated sink took this one's place on the source. */
    SUPERSEDED(8),
    /** The peer's epoch shows that this end is a stale primary, or that the source is. */
    STALE_EPOCH(9),
    /** The handshake did not complete in time. */
    HANDSHAKE_TIMEOUT(10),
    /** The local journal refused an entry or failed. */
    JOURNAL_ERROR(11),
    /** The connection failed (reset, end of stream, connect refused). */
    CONNECTION_LOST(12),
    /** Too many connections are handshaking at once. */
    TOO_MANY_CONNECTIONS(13),
    /** The peer's host is not in the source's allowedPeers (closed without a frame; counted locally only). */
    PEER_NOT_ALLOWED(14),
    /**
     * A fencing probe's handshake is complete: the source learned the probe's epoch and the probe the source's; the
     * probe is never streamed to.
     */
    PROBED(15),
    /**
     * The sink holds more entries of the source's own epoch than the source does: the source's journal lost entries
     * (deleted, replaced or restored from an old copy). The source must not serve; the sink keeps its journal.
     * Code 20 leaves room for the codes other changes add.
     */
    SOURCE_BEHIND(20),
    /**
     * TLS failed: the peer's certificate is missing, untrusted or names another host, the peer speaks plain TCP to a
     * TLS end (or TLS to a plain one), or a record is broken. Counted and logged locally: with TLS broken, the close
     * frame cannot be sent.
     */
    TLS_FAILED(21),
    /** A code this version does not know. */
    UNKNOWN(-1);

    private static final CloseReason[] BY_CODE = new CloseReason[22];

    static
    {
        for (final CloseReason reason : values())
        {
            if (reason.code >= 0)
            {
                BY_CODE[reason.code] = reason;
            }
        }
    }

    private final int code;

    CloseReason(final int code)
    {
        this.code = code;
    }

    /** The value carried on the wire. */
    public int code()
    {
        return code;
    }

    /** The reason for a wire code; {@link #UNKNOWN} for a code this version does not know. */
    public static CloseReason ofCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length && BY_CODE[code] != null ? BY_CODE[code] : UNKNOWN;
    }
}
