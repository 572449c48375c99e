package io.corepin.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimerSlackTest {
    private static boolean linux() {
        return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("linux");
    }

    /** Runs {@code body} on a fresh thread (so the test's own thread keeps its slack) and returns its result. */
    private static <T> T onNewThread(java.util.function.Supplier<T> body) throws Exception {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Thread t = new Thread(() -> {
            try {
                result.complete(body.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "timer-slack-test");
        t.start();
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void setsTheCallingThreadsSlackOnly() throws Exception {
        if (!linux()) {
            assertTrue(TimerSlack.unavailableReason().startsWith("not Linux"), TimerSlack.unavailableReason());
            assertThrows(IllegalStateException.class, () -> TimerSlack.set(1_000));
            return;
        }
        assertNull(TimerSlack.unavailableReason(), "prctl(PR_SET_TIMERSLACK) unavailable");
        final long mine = TimerSlack.get();
        assertTrue(mine > 0, "this thread's slack: " + mine);
        final long[] seen = onNewThread(() -> {
            final long before = TimerSlack.get();
            TimerSlack.set(1_000);
            final long after = TimerSlack.get();
            TimerSlack.set(7_777);
            return new long[] {before, after, TimerSlack.get()};
        });
        assertEquals(mine, seen[0], "a new thread inherits its starter's slack");
        assertEquals(1_000, seen[1]);
        assertEquals(7_777, seen[2]);
        assertEquals(mine, TimerSlack.get(), "another thread's set left this thread's slack alone");
        assertNotEquals(1_000, mine, "the test needs a default slack other than the value it sets");
    }

    @Test
    void rejectsASlackBelowOneNanosecondNamingIt() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TimerSlack.set(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TimerSlack.set(-5)).getMessage()
            .contains("got -5"));
    }
}
