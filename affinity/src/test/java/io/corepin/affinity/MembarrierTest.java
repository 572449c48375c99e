package io.corepin.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MembarrierTest {
    /** corepin's stall rescue depends on it: on the Linux machines corepin is built on, it must be there. */
    @Test
    void isAvailableOnLinuxAndABarrierReturns() {
        if (!System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
            assertTrue(Membarrier.unavailableReason().startsWith("not Linux"), Membarrier.unavailableReason());
            return;
        }
        assertNull(Membarrier.unavailableReason(), "membarrier(2) unavailable");
        assertTrue(Membarrier.isAvailable());
        for (int i = 0; i < 100; i++) {
            Membarrier.barrier();
        }
    }

    @Test
    void systemCallNumbers() {
        assertEquals(324, Membarrier.syscallNumber("amd64"));
        assertEquals(283, Membarrier.syscallNumber("aarch64"));
        assertEquals(-1, Membarrier.syscallNumber("ppc64le"));
    }
}
