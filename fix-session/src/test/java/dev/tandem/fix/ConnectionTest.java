package dev.tandem.fix;

import dev.tandem.fix.codec.FixDecoder;
import dev.tandem.fix.codec.Tags;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A connection's inbound buffer growing at Logon, under the decoder of the Logon being checked. */
class ConnectionTest
{
    private static final String LOGON_FIELDS =
        "35=A|34=1|49=TW|52=20261202-18:00:00|56=ISLD|98=0|108=30|141=Y|1137=9|";

    /**
     * The flaky "MsgSeqNum missing, not positive or above 2147483646" Logout to a valid FIXT.1.1 Logon (ScenarioTest
     * 08a_ResendRequestMixed, once): the acceptor grew the inbound buffer between decoding the Logon and reading its
     * MsgSeqNum, the decoder still read the old buffer's memory, and a GC freed it in between for the allocator to
     * write over. Here the old memory is zeroed by hand, which makes the failure certain rather than rare.
     */
    @Test
    @Timeout(10)
    void shouldKeepTheLogonReadableWhenTheInboundBufferGrowsUnderIt()
    {
        final Connection connection = new Connection(null, null, FixEngine.PRE_LOGON_INBOUND_BYTES, 0, "test", null);
        // a partial message ahead, as after a read: the Logon's offset must survive the move too
        final int offset = 7;
        final byte[] logon = RawFixClient.encode("FIXT.1.1", LOGON_FIELDS);
        connection.inbound.putBytes(offset, logon);
        connection.inboundLimit = offset + logon.length + 5;
        final FixDecoder decoder = new FixDecoder();
        assertEquals(FixDecoder.OK, decoder.wrap(connection.inbound, offset, logon.length));
        final ByteBuffer old = connection.inboundByteBuffer;

        connection.growInbound(128 * 1024, decoder);

        assertNotSame(old, connection.inboundByteBuffer);
        assertEquals(128 * 1024, connection.inbound.capacity());
        // what a GC and the allocator may do to the old buffer's memory once it is unreachable
        for (int i = 0; i < old.capacity(); i++)
        {
            old.put(i, (byte)0);
        }
        assertEquals(1, decoder.msgSeqNum());
        assertEquals(30, decoder.intValue(Tags.HEART_BT_INT, -1));
        assertTrue(decoder.booleanValue(Tags.RESET_SEQ_NUM_FLAG));
        assertTrue(decoder.valueEquals(Tags.SENDER_COMP_ID, "TW"));
        assertTrue(decoder.timestampMs(Tags.SENDING_TIME, Long.MIN_VALUE) > 0);
        assertEquals(offset, decoder.offset());
        assertEquals(logon.length, decoder.length());
        assertEquals(offset + logon.length + 5, connection.inboundLimit);
    }

    @Test
    @Timeout(10)
    void shouldLeaveABufferAlreadyBigEnoughAndItsDecoderAlone()
    {
        final Connection connection = new Connection(null, null, 128 * 1024, 0, "test", null);
        final byte[] logon = RawFixClient.encode("FIXT.1.1", LOGON_FIELDS);
        connection.inbound.putBytes(0, logon);
        connection.inboundLimit = logon.length;
        final FixDecoder decoder = new FixDecoder();
        assertEquals(FixDecoder.OK, decoder.wrap(connection.inbound, 0, logon.length));
        final ByteBuffer before = connection.inboundByteBuffer;

        connection.growInbound(128 * 1024, decoder);

        assertSame(before, connection.inboundByteBuffer);
        assertEquals(1, decoder.msgSeqNum());
    }
}
