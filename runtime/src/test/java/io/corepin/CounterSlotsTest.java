package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corepin.telemetry.Metric;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Private counter memory works on the JDK running the tests: on the heap up to JDK 21, direct from JDK 22, where a
 * heap buffer can no longer be aligned for the VarHandle's atomic access modes (every Exec's construction failed on
 * JDK 25 with {@code UnsupportedOperationException: Unit size unsupported for non-direct buffers: 8}).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CounterSlotsTest {

    @Test
    void privateSlotsTakeEveryAccessModeTheCountersUse() {
        CounterSlots slots = CounterSlots.allocatePrivate();
        Metric[] all = Metric.values();
        for (int i = 0; i < all.length; i++) {
            assertEquals(0L, slots.get(all[i]), all[i] + " not zeroed");
            slots.set(all[i], 10L * i);
            slots.addOwned(all[i], 1);
            slots.addShared(all[i], 2);
        }
        for (int i = 0; i < all.length; i++) {
            assertEquals(10L * i + 3, slots.get(all[i]), all[i] + ": each record its own 8 aligned bytes");
        }
        assertEquals(3L, slots.take(all[0]));
        assertEquals(0L, slots.get(all[0]));
    }

    @Test
    void privateSlotsAreOnTheHeapWhereTheJdkCanAlignAHeapBuffer() {
        assertEquals(Runtime.version().feature() < 22, CounterSlots.privateOnHeap(),
            "on JDK " + Runtime.version());
    }
}
