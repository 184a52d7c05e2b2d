package dev.tandem.node;

import java.util.Arrays;

/**
 * What makes an inbound application message "answered", for recovery ({@link RecoveryHandler}): an inbound message
 * of one of {@link #inboundMsgTypes()} whose field {@link #inboundTag()} has value V is answered once the journal
 * holds, after it, an outbound application message of the same session whose field {@link #outboundTag()} is V.
 * The default, ClOrdID(11) in and out for NewOrderSingle (D), OrderCancelRequest (F) and
 * OrderCancelReplaceRequest (G), fits an order gateway whose ExecutionReports carry the request's ClOrdID.
 * <p>
 * Settable in code ({@link TandemContext#correlation(Correlation)}) and in YAML
 * ({@code recovery: { inboundTag: 11, outboundTag: 11, inboundMsgTypes: [ D ], scanEntries: 100000 }}).
 * Immutable: each setter returns a new instance.
 */
public final class Correlation
{
    /** ClOrdID. */
    public static final int CL_ORD_ID = 11;
    /**
     * The journal entries scanned at most (the newest ones): enough for a busy session's last minutes, bounded so a
     * long journal does not delay the first Logon after an activation (about 100 ms for 100,000 entries here).
     */
    public static final int DEFAULT_SCAN_ENTRIES = 100_000;
    /** The default: ClOrdID in and out, for D, F and G. */
    public static final Correlation CL_ORD_ID_DEFAULT =
        new Correlation(CL_ORD_ID, CL_ORD_ID, new String[] {"D", "F", "G"}, DEFAULT_SCAN_ENTRIES);

    private final int inboundTag;
    private final int outboundTag;
    private final String[] inboundMsgTypes;
    private final int scanEntries;

    private Correlation(final int inboundTag, final int outboundTag, final String[] inboundMsgTypes,
        final int scanEntries)
    {
        if (inboundTag <= 0 || outboundTag <= 0)
        {
            throw new ConfigException("recovery: tags must be positive, got inboundTag " + inboundTag +
                ", outboundTag " + outboundTag);
        }
        if (scanEntries <= 0)
        {
            throw new ConfigException("recovery.scanEntries: " + scanEntries + ", expected at least 1");
        }
        for (final String type : inboundMsgTypes)
        {
            if (type == null || type.isEmpty())
            {
                throw new ConfigException("recovery.inboundMsgTypes: an empty MsgType in " +
                    Arrays.toString(inboundMsgTypes));
            }
        }
        this.inboundTag = inboundTag;
        this.outboundTag = outboundTag;
        this.inboundMsgTypes = inboundMsgTypes.clone();
        this.scanEntries = scanEntries;
    }

    /** The same tag in and out (e.g. ClOrdID), for every inbound application message type that carries it. */
    public static Correlation byTag(final int tag)
    {
        return new Correlation(tag, tag, new String[0], DEFAULT_SCAN_ENTRIES);
    }

    /** A correlation whose answer carries the request's {@code inboundTag} value in {@code outboundTag}. */
    public Correlation outboundTag(final int outboundTag)
    {
        return new Correlation(inboundTag, outboundTag, inboundMsgTypes, scanEntries);
    }

    /** A correlation with this inbound tag. */
    public Correlation inboundTag(final int inboundTag)
    {
        return new Correlation(inboundTag, outboundTag, inboundMsgTypes, scanEntries);
    }

    /** Only these inbound MsgTypes need an answer; none given: every application message carrying the tag. */
    public Correlation inboundMsgTypes(final String... msgTypes)
    {
        return new Correlation(inboundTag, outboundTag, msgTypes, scanEntries);
    }

    /** Scan at most this many of the newest journal entries. */
    public Correlation scanEntries(final int scanEntries)
    {
        return new Correlation(inboundTag, outboundTag, inboundMsgTypes, scanEntries);
    }

    public int inboundTag()
    {
        return inboundTag;
    }

    public int outboundTag()
    {
        return outboundTag;
    }

    /** The inbound MsgTypes that need an answer (a copy); empty means every application message. */
    public String[] inboundMsgTypes()
    {
        return inboundMsgTypes.clone();
    }

    int inboundMsgTypeCount()
    {
        return inboundMsgTypes.length;
    }

    String inboundMsgType(final int index)
    {
        return inboundMsgTypes[index];
    }

    public int scanEntries()
    {
        return scanEntries;
    }

    @Override
    public String toString()
    {
        return "Correlation{inboundTag=" + inboundTag + ", outboundTag=" + outboundTag + ", inboundMsgTypes=" +
            Arrays.toString(inboundMsgTypes) + ", scanEntries=" + scanEntries + "}";
    }
}
