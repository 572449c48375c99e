package io.corepin.levels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link TaskSource#alternating}: smartpool's multi-channel — inner sources taken in rotation, on one thread. */
class AlternatingSourceTest {

    /** A task that names itself. */
    private static Runnable task(String name) {
        return new Runnable() {
            @Override
            public void run() {
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private static List<String> drain(TaskSource s) {
        List<String> out = new ArrayList<>();
        for (Runnable r; (r = s.poll()) != null; ) {
            out.add(r.toString());
        }
        return out;
    }

    @Test
    void offersAndPollsGoToTheInnerSourcesInTurn() {
        List<TaskSource> inner = new ArrayList<>();
        TaskSource alt = TaskSource.alternating(3, () -> {
            TaskSource s = TaskSource.fifo();
            inner.add(s);
            return s;
        });
        assertEquals(3, inner.size(), "one inner source per way, made at once");
        for (int i = 0; i < 7; i++) {
            alt.offer(task("t" + i), 0L);
        }
        assertEquals(3, inner.get(0).size(), "t0 t3 t6");
        assertEquals(2, inner.get(1).size(), "t1 t4");
        assertEquals(2, inner.get(2).size(), "t2 t5");
        assertEquals(List.of("t0", "t1", "t2", "t3", "t4", "t5", "t6"), drain(alt));
    }

    @Test
    void pollsTakeOneTaskFromEachInnerSourceInRotationNotAllFromOne() {
        List<TaskSource> inner = new ArrayList<>();
        TaskSource alt = TaskSource.alternating(2, () -> {
            TaskSource s = TaskSource.fifo();
            inner.add(s);
            return s;
        });
        // the inner sources filled unevenly (as a generator inner source would be): the rotation still alternates
        inner.get(0).offer(task("a0"), 0L);
        inner.get(0).offer(task("a1"), 0L);
        inner.get(0).offer(task("a2"), 0L);
        inner.get(1).offer(task("b0"), 0L);
        assertEquals(4, alt.size(), "size counts what the inner sources hold");
        assertEquals(List.of("a0", "b0", "a1", "a2"), drain(alt), "alternates, then skips the empty one");
        assertEquals(0, alt.size());
    }

    @Test
    void emptyInnerSourcesAreSkippedAndAnAllEmptySourceAnswersNull() {
        List<TaskSource> inner = new ArrayList<>();
        TaskSource alt = TaskSource.alternating(4, () -> {
            TaskSource s = TaskSource.fifo();
            inner.add(s);
            return s;
        });
        assertNull(alt.poll(), "nothing anywhere");
        inner.get(2).offer(task("only"), 0L);
        assertEquals(1, alt.size());
        assertEquals("only", alt.poll().toString(), "found behind two empty inner sources");
        assertNull(alt.poll());
        inner.get(1).offer(task("next"), 0L); // the rotation went past inner 1: found after wrapping round
        assertEquals("next", alt.poll().toString());
        assertNull(alt.poll());
    }

    @Test
    void innerDeadlineSourcesKeepTheirOwnOrderWhileTakingTurns() {
        TaskSource alt = TaskSource.alternating(2, TaskSource::shortestDeadlineFirst);
        alt.offer(task("a-late"), 40L); // inner 0
        alt.offer(task("b-late"), 30L); // inner 1
        alt.offer(task("a-soon"), 10L); // inner 0
        alt.offer(task("b-soon"), 20L); // inner 1
        assertEquals(List.of("a-soon", "b-soon", "a-late", "b-late"), drain(alt),
            "each inner heap by deadline, the heaps in rotation: deadline order per inner source, not global");
    }

    @Test
    void sizeAndPollAgreeThroughRandomOffersAndPolls() {
        Random random = new Random(16);
        TaskSource alt = TaskSource.alternating(5, TaskSource::fifo);
        List<String> offered = new ArrayList<>();
        List<String> polled = new ArrayList<>();
        int held = 0;
        for (int step = 0; step < 10_000; step++) {
            if (random.nextInt(3) != 0) {
                String name = "t" + step;
                alt.offer(task(name), 0L);
                offered.add(name);
                held++;
            } else {
                Runnable r = alt.poll();
                if (held == 0) {
                    assertNull(r, "size 0, yet poll returned " + r);
                } else {
                    assertTrue(r != null, "size " + held + ", yet poll returned null");
                    polled.add(r.toString());
                    held--;
                }
            }
            assertEquals(held, alt.size(), "after step " + step);
        }
        polled.addAll(drain(alt));
        assertEquals(0, alt.size());
        polled.sort(null);
        offered.sort(null);
        assertEquals(offered, polled, "every task polled exactly once");
    }

    @Test
    void aGeneratorInnerSourceMakesTheWholeSourceAGeneratorAndItsSizeNeverGoesNegative() {
        int[] left = {3};
        TaskSource gen = new TaskSource() {
            @Override
            public void offer(Runnable task, long deadlineNanos) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Runnable poll() {
                return left[0] > 0 ? task("g" + left[0]--) : null;
            }

            @Override
            public int size() {
                return left[0];
            }

            @Override
            public boolean generates() {
                return true;
            }
        };
        List<TaskSource> made = new ArrayList<>(List.of(gen, TaskSource.fifo()));
        TaskSource alt = TaskSource.alternating(2, () -> made.remove(0));
        assertTrue(alt.generates());
        assertEquals(3, alt.size(), "what the generator holds ready");
        assertEquals(List.of("g3", "g2", "g1"), drain(alt));
        assertEquals(0, alt.size(), "not negative: the generated tasks were never offered");
        assertTrue(!TaskSource.alternating(2, TaskSource::fifo).generates());
    }

    @Test
    void badArgumentsAreRefusedNamingTheValue() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> TaskSource.alternating(0, TaskSource::fifo));
        assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());
        NullPointerException nullInner = assertThrows(NullPointerException.class,
            () -> TaskSource.alternating(2, () -> null));
        assertTrue(nullInner.getMessage().contains("null"), nullInner.getMessage());
    }
}
