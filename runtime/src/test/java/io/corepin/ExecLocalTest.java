package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exec-local storage: one value per Exec, reached from the Exec's own thread without a thread-local. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecLocalTest {

    @Test
    void eachExecSeesItsOwnValueAndTheInitialValueIsMadeOncePerExec() throws Exception {
        AtomicInteger made = new AtomicInteger();
        ExecLocal<StringBuilder> buffer = ExecLocal.withInitial(() -> {
            made.incrementAndGet();
            return new StringBuilder();
        });
        try (Exec a = Exec.builder().name("local-a").daemon(true).build();
             Exec b = Exec.builder().name("local-b").daemon(true).build()) {
            StringBuilder fromA = a.submit(() -> buffer.get().append("a")).get(5, TimeUnit.SECONDS);
            StringBuilder fromB = b.submit(() -> buffer.get().append("b")).get(5, TimeUnit.SECONDS);
            assertNotSame(fromA, fromB);
            // the same object again on the same Exec: the initial value was made once per Exec
            assertSame(fromA, a.submit(() -> buffer.get().append("a")).get(5, TimeUnit.SECONDS));
            assertEquals("aa", a.submit(() -> buffer.get().toString()).get(5, TimeUnit.SECONDS));
            assertEquals("b", b.submit(() -> buffer.get().toString()).get(5, TimeUnit.SECONDS));
            assertEquals(2, made.get());
        }
    }

    @Test
    void setRemoveAndNullValues() throws Exception {
        ExecLocal<String> name = ExecLocal.withInitial(() -> "initial");
        try (Exec exec = Exec.builder().name("local-set").daemon(true).build()) {
            List<String> seen = exec.submit(() -> {
                List<String> s = new ArrayList<>();
                s.add(name.get());
                name.set("set");
                s.add(name.get());
                name.set(null); // a null value is a value, not "unset"
                s.add(name.get());
                name.remove(); // unset: the next get makes the initial value again
                s.add(name.get());
                return s;
            }).get(5, TimeUnit.SECONDS);
            assertEquals(java.util.Arrays.asList("initial", "set", null, "initial"), seen);
        }
    }

    @Test
    void manyLocalsGrowTheExecsSlotsAndKeepTheirValues() throws Exception {
        List<ExecLocal<Integer>> locals = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            locals.add(ExecLocal.withInitial(() -> n));
        }
        try (Exec exec = Exec.builder().name("local-many").daemon(true).build()) {
            int sum = exec.submit(() -> {
                for (ExecLocal<Integer> l : locals) {
                    l.set(l.get() * 2);
                }
                int s = 0;
                for (ExecLocal<Integer> l : locals) {
                    s += l.get();
                }
                return s;
            }).get(5, TimeUnit.SECONDS);
            assertEquals(2 * (99 * 100 / 2), sum);
        }
    }

    @Test
    void hostedExecsHaveTheirOwnValues() {
        ExecLocal<Object> token = ExecLocal.withInitial(Object::new);
        // two blockOn calls host two fresh Execs on this thread: each its own value
        Object first = Exec.blockOn(() -> CompletableFuture.completedFuture(token.get()));
        Object again = Exec.blockOn(() -> CompletableFuture.completedFuture(token.get()));
        assertNotSame(first, again);
        // runHere: the hosted Exec keeps its value across its tasks
        List<Object> seen = new ArrayList<>();
        Exec.builder().name("local-host").runHere(exec -> {
            seen.add(token.get());
            exec.execute(() -> {
                seen.add(token.get());
                exec.shutdown();
            });
        });
        assertEquals(2, seen.size());
        assertSame(seen.get(0), seen.get(1));
        assertNotSame(first, seen.get(0));
    }

    @Test
    void aThreadThatIsNotAnExecsIsRefusedNamingTheThread() throws Exception {
        ExecLocal<String> local = ExecLocal.withInitial(() -> "x");
        String thread = Thread.currentThread().getName();
        IllegalStateException get = assertThrows(IllegalStateException.class, local::get);
        assertTrue(get.getMessage().contains(thread), get.getMessage());
        IllegalStateException set = assertThrows(IllegalStateException.class, () -> local.set("y"));
        assertTrue(set.getMessage().contains(thread), set.getMessage());
        assertThrows(IllegalStateException.class, local::remove);
        // after the refusals, the value on an Exec is still the initial one
        try (Exec exec = Exec.builder().name("local-refused").daemon(true).build()) {
            assertEquals("x", exec.submit(local::get).get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aNullSupplierIsRefused() {
        assertThrows(NullPointerException.class, () -> ExecLocal.withInitial(null));
        ExecLocal<String> nothing = ExecLocal.withInitial(() -> null);
        assertNull(Exec.blockOn(() -> CompletableFuture.completedFuture(nothing.get())));
    }
}
