package io.corepin.examples.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShardTest {
    private final Shard shard = new Shard();

    private static byte[] b(String s) {
        return RespBuffer.bytes(s);
    }

    private boolean set(String k, String v, long deadline, boolean nx, boolean xx) {
        byte[] kb = b(k);
        return shard.set(kb, 0, kb.length, Keys.hash(kb), b(v), deadline, false, nx, xx);
    }

    private byte[] get(String k) {
        byte[] kb = b(k);
        return shard.get(kb, 0, kb.length, Keys.hash(kb));
    }

    private long pttl(String k) {
        byte[] kb = b(k);
        return shard.pttl(kb, 0, kb.length, Keys.hash(kb));
    }

    @Test
    void setHonoursNxAndXx() {
        assertFalse(set("k", "1", KeyTable.NO_EXPIRY, false, true));
        assertTrue(set("k", "1", KeyTable.NO_EXPIRY, true, false));
        assertFalse(set("k", "2", KeyTable.NO_EXPIRY, true, false));
        assertTrue(set("k", "3", KeyTable.NO_EXPIRY, false, true));
        assertArrayEquals(b("3"), get("k"));
    }

    @Test
    void timerWheelExpiresKeysNobodyTouches() throws InterruptedException {
        long now = shard.tick();
        for (int i = 0; i < 100; i++) {
            set("short" + i, "v", now + 1_000, false, false); // far enough that a slow machine sees all 102 first
        }
        set("long", "v", now + 60_000, false, false);
        set("forever", "v", KeyTable.NO_EXPIRY, false, false);
        assertEquals(102, shard.size());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (shard.size() > 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            shard.expireDue(Shard.clock());
        }
        assertEquals(2, shard.size());
        assertEquals(100, shard.expiredKeys);
        assertEquals(-1, pttl("forever"));
        assertTrue(pttl("long") > 50_000);
        assertEquals(1, shard.expiring());
    }

    @Test
    void accessExpiresLazilyAndOverwriteCancelsTheTimer() throws InterruptedException {
        long now = shard.tick();
        set("lazy", "v", now + 5, false, false);
        set("kept", "v", now + 5, false, false);
        set("kept", "w", KeyTable.NO_EXPIRY, false, false); // SET without EX clears the deadline
        Thread.sleep(20);
        shard.tick();
        assertNull(get("lazy")); // no timer poll: the read itself expires it
        assertEquals(-2, pttl("lazy"));
        assertArrayEquals(b("w"), get("kept"));
        assertEquals(0, shard.expiring());
    }

    @Test
    void incrByChecksTypeAndOverflow() {
        byte[] k = b("n");
        int h = Keys.hash(k);
        assertTrue(shard.incrBy(k, 0, 1, h, 5));
        assertEquals(5, shard.incrResult);
        assertTrue(shard.incrBy(k, 0, 1, h, Long.MAX_VALUE - 5));
        assertFalse(shard.incrBy(k, 0, 1, h, 1));
        assertEquals(Shard.OVERFLOW, shard.incrError);
        set("s", "abc", KeyTable.NO_EXPIRY, false, false);
        byte[] s = b("s");
        assertFalse(shard.incrBy(s, 0, 1, Keys.hash(s), 1));
        assertEquals(Shard.NOT_INTEGER, shard.incrError);
    }
}
