package dev.tandem.fix;

/**
 * Stable session ids: the same 64-bit id for the same session on every node and across restarts, so the journal,
 * its replicas and every node agree on which entries belong to which session.
 * <p>
 * The id is the 64-bit FNV-1a hash of the ASCII bytes of {@code BeginString <SOH> SenderCompID <SOH>
 * TargetCompID}, with SenderCompID and TargetCompID as this side sends them (an acceptor's own CompID is its
 * SenderCompID), with 0 mapped to 1. Stateless and thread safe.
 */
public final class SessionIds
{
    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private SessionIds()
    {
    }

    /** The session id of a session as seen from the side whose own CompID is {@code senderCompId}. */
    public static long sessionId(
        final CharSequence beginString, final CharSequence senderCompId, final CharSequence targetCompId)
    {
        long hash = FNV_OFFSET_BASIS;
        hash = hash(hash, beginString);
        hash = (hash ^ 1) * FNV_PRIME;
        hash = hash(hash, senderCompId);
        hash = (hash ^ 1) * FNV_PRIME;
        hash = hash(hash, targetCompId);
        return hash == 0 ? 1 : hash;
    }

    private static long hash(final long start, final CharSequence value)
    {
        long hash = start;
        for (int i = 0, n = value.length(); i < n; i++)
        {
            hash = (hash ^ (value.charAt(i) & 0xFF)) * FNV_PRIME;
        }
        return hash;
    }
}
