package io.corepin.levels;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TaskSource#peek()} answers what the next {@code poll()} takes (work balancing donates lane heads only). */
class TaskSourcePeekTest {
    private static void peekMatchesPoll(TaskSource s, int n) {
        for (int i = 0; i < n; i++) {
            s.offer(() -> { }, (i * 7919L) % 101);
        }
        for (int i = 0; i < n; i++) {
            Runnable head = s.peek();
            assertSame(head, s.peek(), "peek takes nothing");
            assertSame(head, s.poll(), "poll takes what peek showed (" + s + ", #" + i + ")");
        }
        assertNull(s.peek());
        assertNull(s.poll());
    }

    @Test
    void fifoDeadlineAndAlternatingPeekWhatTheyPoll() {
        peekMatchesPoll(TaskSource.fifo(), 50);
        peekMatchesPoll(TaskSource.shortestDeadlineFirst(), 50);
        peekMatchesPoll(TaskSource.alternating(3, TaskSource::fifo), 50);
        peekMatchesPoll(TaskSource.alternating(4, TaskSource::shortestDeadlineFirst), 50);
    }

    @Test
    void aSourceWithoutPeekAnswersNull() {
        List<Runnable> q = new ArrayList<>();
        TaskSource own = new TaskSource() {
            @Override
            public void offer(Runnable task, long deadlineNanos) {
                q.add(task);
            }

            @Override
            public Runnable poll() {
                return q.isEmpty() ? null : q.remove(0);
            }

            @Override
            public int size() {
                return q.size();
            }
        };
        own.offer(() -> { }, 0);
        assertNull(own.peek(), "the default: cannot tell, so a donation takes nothing from this lane");
    }
}
