package com.example.consumer;

import io.corepin.Backpressure;
import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.Promise;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny corepin program: two Execs, 10,000 keyed tasks (each key always on the same Exec, so the per-key counters
 * need no lock), then a submitted call whose promise is awaited from this (non-Exec) thread. Exits 1 if anything is
 * off. The burst is larger than two rings (4,096 each): submitting waits for room (up to 5 s) instead of being
 * rejected when the Execs are slower than this thread.
 */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) throws Exception {
        final int keys = 16;
        final int tasks = 10_000;
        final long[] perKey = new long[keys]; // written only by the Exec that owns the key
        final String[] owner = new String[keys];
        final AtomicLong wrongExec = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(tasks);
        try (ExecGroup group = ExecGroup.builder().execs(2)
                .backpressure(Backpressure.block(Duration.ofSeconds(5))).build()) {
            for (int i = 0; i < tasks; i++) {
                final int key = i % keys;
                group.execute(key, () -> {
                    String me = Exec.current().name();
                    if (owner[key] == null) {
                        owner[key] = me;
                    } else if (!owner[key].equals(me)) {
                        wrongExec.incrementAndGet();
                    }
                    perKey[key]++;
                    done.countDown();
                });
            }
            if (!done.await(20, TimeUnit.SECONDS)) {
                fail("tasks did not finish in 20 s: " + done.getCount() + " left");
            }
            Promise<String> answer = group.exec(0).submit(() -> "ran on " + Exec.current().name());
            String where = answer.get(5, TimeUnit.SECONDS);
            long sum = 0;
            for (int k = 0; k < keys; k++) {
                sum += group.exec(group.indexFor(k)).name().equals(owner[k]) ? perKey[k] : 0;
            }
            if (sum != tasks || wrongExec.get() != 0) {
                fail("counted " + sum + " of " + tasks + " on the owning Execs, " + wrongExec.get() + " elsewhere");
            }
            System.out.println("corepin consumer ok: " + tasks + " keyed tasks on " + group.size() + " Execs, call "
                + where);
        }
    }

    private static void fail(String why) {
        System.err.println("corepin consumer FAILED: " + why);
        System.exit(1);
    }
}
