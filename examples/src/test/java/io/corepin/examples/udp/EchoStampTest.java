package io.corepin.examples.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class EchoStampTest {
    @Test
    void stampedDatagramGetsTheFlowCountAndCore() {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.putInt(0, EchoStamp.MAGIC).putLong(16, 99);
        EchoStamp.stamp(b, 7, 3);
        assertEquals(7, b.getLong(4));
        assertEquals(3, b.getInt(12));
        assertEquals(99, b.getLong(16), "the sender's sequence number is echoed");
        assertEquals(0, b.position());
        assertEquals(40, b.limit());
    }

    @Test
    void sockperfRequestComesBackWithItsClientFlagCleared() {
        // what sockperf 3.7 sends in ping-pong: seq 1, flags 0x0003 (client | pong request), length 64
        ByteBuffer b = ByteBuffer.allocate(64);
        b.putLong(0, 1).putShort(8, (short) 3).putInt(10, 64);
        EchoStamp.stamp(b, 1, 0);
        assertEquals(2, b.getShort(8), "pong request stays, the client flag is cleared");
        assertEquals(1, b.getLong(0));
        assertEquals(64, b.getInt(10));
    }

    @Test
    void otherDatagramsAreEchoedUnchanged() {
        byte[] bytes = "hello, not a header".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.wrap(bytes.clone());
        EchoStamp.stamp(b, 5, 1);
        assertArrayEquals(bytes, b.array());
    }
}
