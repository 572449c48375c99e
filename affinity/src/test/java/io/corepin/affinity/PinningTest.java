package io.corepin.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import net.openhft.affinity.Affinity;
import net.openhft.affinity.impl.LinuxJNAAffinity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pins real threads on this machine. Every pinning happens on a fresh thread that puts its original mask back, so the
 * JUnit thread is never touched. Where the environment forbids pinning, the fallback (-1, mask unchanged) is what is
 * checked instead.
 */
class PinningTest {

    /** System.Logger goes to java.util.logging here (no other backend on the test class path). */
    private final Logger jul = Logger.getLogger("io.corepin.affinity");
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (records) {
                records.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level julLevel;

    @BeforeEach
    void captureLog() {
        Pinning.resetLogOnce();
        julLevel = jul.getLevel();
        jul.setLevel(Level.ALL);
        jul.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        jul.removeHandler(capture);
        jul.setLevel(julLevel);
        System.clearProperty(Pinning.DISABLE_PROPERTY);
    }

    private long logged(Level level) {
        synchronized (records) {
            return records.stream().filter(r -> r.getLevel() == level).count();
        }
    }

    private static BitSet only(int cpu) {
        BitSet s = new BitSet();
        s.set(cpu);
        return s;
    }

    /** Runs {@code body} on a new thread, restoring that thread's original mask afterwards (and checking it). */
    private static <T> T onFreshThread(Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            BitSet original = Pinning.currentAffinity();
            try {
                return body.call();
            } finally {
                if (!original.isEmpty() && !original.equals(Pinning.currentAffinity())) {
                    assertTrue(Pinning.setAffinity(original), "restoring " + original);
                }
                assertEquals(original, Pinning.currentAffinity(), "original mask restored");
            }
        });
        Thread t = new Thread(task, "pinning-test");
        t.start();
        try {
            return task.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw e;
        }
    }

    @Test
    void pinsToEachAllowedCpuOrFallsBackToUnpinned() throws Exception {
        BitSet mainBefore = Pinning.currentAffinity();
        int[] allowed = CpuLayout.detect().allowedCpus();
        String report = onFreshThread(() -> {
            StringBuilder sb = new StringBuilder();
            BitSet original = Pinning.currentAffinity();
            for (int cpu : allowed) {
                int got = Pinning.pinCurrentThread(cpu);
                BitSet mask = Pinning.currentAffinity();
                if (mask.equals(only(cpu))) {
                    assertEquals(cpu, got, "the mask says pinned to " + cpu + ", so that must be the answer");
                    assertEquals(cpu, Pinning.currentCpu(), "sched_getcpu on a thread pinned to " + cpu);
                    sb.append(" cpu").append(cpu).append("=pinned");
                } else {
                    assertEquals(AffinityPlan.UNPINNED, got, "the mask reads " + mask + ", so not pinned");
                    assertEquals(original, mask, "a failed pin leaves the mask as it was");
                    sb.append(" cpu").append(cpu).append("=unpinned(").append(mask).append(')');
                }
                Pinning.setAffinity(original);
            }
            return sb.toString();
        });
        System.out.println("[PinningTest] allowed " + CpuList.format(AllowedCpus.detect()) + ":" + report);
        assertEquals(mainBefore, Pinning.currentAffinity(), "the JUnit thread was not touched");
    }

    @Test
    void aPinnedThreadStillSeesEveryAllowedCpu() throws Exception {
        int[] allowed = CpuLayout.detect().allowedCpus();
        int last = allowed[allowed.length - 1];
        int[] seenPinned = onFreshThread(() -> {
            assumeTrue(Pinning.pinCurrentThread(last) == last, "pinning not possible here");
            return CpuLayout.detect().allowedCpus();
        });
        assertArrayEquals(allowed, seenPinned);
    }

    @Test
    void impossibleCpusFallBackWithOneWarning() throws Exception {
        int notOnMachine = CpuLayout.detect().cpuCount() + 1; // sched_setaffinity: EINVAL
        onFreshThread(() -> {
            BitSet before = Pinning.currentAffinity();
            for (int cpu : new int[] {notOnMachine, 5000, -7, notOnMachine}) {
                assertEquals(AffinityPlan.UNPINNED, Pinning.pinCurrentThread(cpu), "cpu " + cpu);
                assertEquals(before, Pinning.currentAffinity(), "mask untouched after cpu " + cpu);
            }
            return null;
        });
        assertEquals(1, logged(Level.WARNING), "exactly one warning per process");
        assertEquals(3, logged(Level.FINE), "the rest at DEBUG");
        synchronized (records) {
            String warning = records.get(0).getMessage();
            assertTrue(warning.contains("CPU " + notOnMachine) && warning.contains("unpinned"), warning);
            if (Affinity.getAffinityImpl() instanceof LinuxJNAAffinity) {
                assertTrue(warning.contains("EINVAL"), warning);
            }
        }
    }

    @Test
    void errnoValuesAreExplained() {
        assertTrue(Pinning.errnoHint(new IllegalStateException("sched_setaffinity(0, 128, 0x8) failed; errno=22"))
            .contains("EINVAL"));
        assertTrue(Pinning.errnoHint(new IllegalStateException("sched_setaffinity(...) failed; errno=1"))
            .contains("EPERM"));
        assertEquals("", Pinning.errnoHint(new IllegalStateException("failed; errno=13")));
        assertEquals("", Pinning.errnoHint(new UnsatisfiedLinkError()));
    }

    @Test
    void unpinnedInIsUnpinnedOut() throws Exception {
        onFreshThread(() -> {
            BitSet before = Pinning.currentAffinity();
            assertEquals(AffinityPlan.UNPINNED, Pinning.pinCurrentThread(AffinityPlan.UNPINNED));
            assertEquals(before, Pinning.currentAffinity());
            return null;
        });
        assertEquals(0, records.size(), "nothing logged");
    }

    @Test
    void disablePropertyTurnsPinningOffWithOneInfoLine() throws Exception {
        int cpu = CpuLayout.detect().allowedCpus()[0];
        System.setProperty(Pinning.DISABLE_PROPERTY, "true");
        onFreshThread(() -> {
            BitSet before = Pinning.currentAffinity();
            for (int i = 0; i < 3; i++) {
                assertEquals(AffinityPlan.UNPINNED, Pinning.pinCurrentThread(cpu));
            }
            assertEquals(before, Pinning.currentAffinity());
            assertFalse(Pinning.setAffinity(only(cpu)), "setAffinity is off too");
            assertEquals(before, Pinning.currentAffinity());
            return null;
        });
        assertEquals(1, logged(Level.INFO));
        assertEquals(0, logged(Level.WARNING));
    }

    @Test
    void currentCpuIsAnAllowedCpuOrUnknown() {
        int cpu = Pinning.currentCpu();
        assertTrue(cpu == -1 || CpuLayout.detect().cpuCount() > cpu, "cpu " + cpu);
    }
}
