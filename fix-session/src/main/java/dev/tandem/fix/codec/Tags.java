package dev.tandem.fix.codec;

/**
 * FIX tag numbers used by the session layer, and the set of standard header tags.
 * <p>
 * Stateless and thread safe.
 */
public final class Tags
{
    public static final int BEGIN_SEQ_NO = 7;
    public static final int BEGIN_STRING = 8;
    public static final int BODY_LENGTH = 9;
    public static final int CHECK_SUM = 10;
    public static final int END_SEQ_NO = 16;
    public static final int MSG_SEQ_NUM = 34;
    public static final int MSG_TYPE = 35;
    public static final int NEW_SEQ_NO = 36;
    public static final int POSS_DUP_FLAG = 43;
    public static final int REF_SEQ_NUM = 45;
    public static final int SENDER_COMP_ID = 49;
    public static final int SENDER_SUB_ID = 50;
    public static final int SENDING_TIME = 52;
    public static final int TARGET_COMP_ID = 56;
    public static final int TARGET_SUB_ID = 57;
    public static final int TEXT = 58;
    public static final int POSS_RESEND = 97;
    public static final int ENCRYPT_METHOD = 98;
    public static final int HEART_BT_INT = 108;
    public static final int TEST_REQ_ID = 112;
    public static final int ON_BEHALF_OF_COMP_ID = 115;
    public static final int ORIG_SENDING_TIME = 122;
    public static final int GAP_FILL_FLAG = 123;
    public static final int DELIVER_TO_COMP_ID = 128;
    public static final int RESET_SEQ_NUM_FLAG = 141;
    public static final int REF_TAG_ID = 371;
    public static final int REF_MSG_TYPE = 372;
    public static final int SESSION_REJECT_REASON = 373;
    public static final int NEXT_EXPECTED_MSG_SEQ_NUM = 789;
    public static final int DEFAULT_APPL_VER_ID = 1137;

    private static final long[] HEADER_BITS = new long[1200 / 64 + 1];

    static
    {
        final int[] header = {
            8, 9, 35, 34, 43, 49, 50, 52, 56, 57, 90, 91, 97, 115, 116, 122, 128, 129, 142, 143, 144, 145, 212, 213,
            347, 369, 627, 628, 629, 630, 1128, 1129, 1156 };
        for (final int tag : header)
        {
            HEADER_BITS[tag >>> 6] |= 1L << (tag & 63);
        }
    }

    private Tags()
    {
    }

    /** True for a tag of the FIX 4.2/4.4/FIXT.1.1 standard header. */
    public static boolean isHeaderTag(final int tag)
    {
        return tag > 0 && tag < 1200 && (HEADER_BITS[tag >>> 6] & (1L << (tag & 63))) != 0;
    }
}
