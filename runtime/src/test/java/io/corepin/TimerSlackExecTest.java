package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corepin.affinity.TimerSlack;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Exec.Builder#timerSlack}: set on the Exec's thread as it starts, for a stand-alone Exec, a group, runHere. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerSlackExecTest {
    private static long slackOn(Exec exec) throws Exception {
        final CompletableFuture<Long> seen = new CompletableFuture<>();
        exec.execute(() -> seen.complete(TimerSlack.get()));
        return seen.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anExecsThreadRunsWithTheSlackAskedForAndOtherwiseInheritsIt() throws Exception {
        assumeTrue(TimerSlack.isAvailable(), TimerSlack::unavailableReason);
        final long inherited = TimerSlack.get();
        assertTrue(inherited != 3_000, "the test needs a default slack other than 3 µs: " + inherited);
        try (Exec asked = Exec.builder().name("slack-asked").timerSlack(3, TimeUnit.MICROSECONDS).build();
             Exec plain = Exec.builder().name("slack-plain").build()) {
            assertEquals(3_000, slackOn(asked));
            assertEquals(inherited, slackOn(plain));
        }
        assertEquals(inherited, TimerSlack.get(), "building an Exec left the builder's thread alone");
    }

    @Test
    void everyExecOfAGroupGetsItFromTheTemplate() throws Exception {
        assumeTrue(TimerSlack.isAvailable(), TimerSlack::unavailableReason);
        try (ExecGroup group = ExecGroup.builder().execs(2)
                 .execSettings(Exec.builder().name("slack-group").timerSlack(2_500, TimeUnit.NANOSECONDS))
                 .build()) {
            for (int i = 0; i < group.size(); i++) {
                assertEquals(2_500, slackOn(group.exec(i)), "Exec " + i);
            }
        }
    }

    @Test
    void runHereSetsItOnTheCallingThread() throws Exception {
        assumeTrue(TimerSlack.isAvailable(), TimerSlack::unavailableReason);
        final CompletableFuture<long[]> seen = new CompletableFuture<>();
        final Thread host = new Thread(() -> {
            try {
                final long before = TimerSlack.get();
                final long[] inside = new long[1];
                Exec.builder().name("slack-here").timerSlack(4, TimeUnit.MICROSECONDS).runHere(exec -> {
                    inside[0] = TimerSlack.get();
                    exec.shutdown();
                });
                seen.complete(new long[] {before, inside[0], TimerSlack.get()});
            } catch (Throwable t) {
                seen.completeExceptionally(t);
            }
        }, "slack-host");
        host.start();
        final long[] s = seen.get(10, TimeUnit.SECONDS);
        assertTrue(s[0] != 4_000, "the test needs a default slack other than 4 µs: " + s[0]);
        assertEquals(4_000, s[1]);
        assertEquals(4_000, s[2], "as documented, it stays after runHere returns");
    }

    @Test
    void aNegativeSlackIsRejectedNamingIt() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> Exec.builder().timerSlack(-2, TimeUnit.MICROSECONDS));
        assertTrue(e.getMessage().contains("got -2 MICROSECONDS"), e.getMessage());
    }
}
