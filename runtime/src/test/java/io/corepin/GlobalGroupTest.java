package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The global group ({@link Corepin}) when first used at awkward times. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GlobalGroupTest {

    /**
     * First use from a shutdown hook: the JVM refuses new hooks then ({@code IllegalStateException}); the group still
     * starts and works, and the class stays usable (it was a NoClassDefFoundError forever).
     */
    @Test
    void firstUseFromAShutdownHookWorks() throws Exception {
        ChildJvm.Result r = ChildJvm.run(FirstUseInAShutdownHook.class, "-XX:-UsePerfData");
        r.assertPrinted("hook: first=42");
        r.assertPrinted("hook: second=43");
    }

    /** The same, in this JVM: a hook registration that fails does not fail the group. */
    @Test
    void aRefusedShutdownHookDoesNotFailTheGroup() throws Exception {
        ExecGroup group = Corepin.startGlobal(hook -> {
            throw new IllegalStateException("Shutdown in progress");
        });
        try {
            assertEquals(42, group.spawn(() -> CompletableFuture.completedFuture(42)).get(10, TimeUnit.SECONDS));
        } finally {
            group.shutdownNow().get(10, TimeUnit.SECONDS);
        }
    }

    public static final class FirstUseInAShutdownHook {
        public static void main(String[] args) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("RESULT hook: first=" + use(42));
                System.out.println("RESULT hook: second=" + use(43));
            }, "test-hook"));
        }

        private static String use(int v) {
            try {
                return String.valueOf(Corepin.spawn(() -> CompletableFuture.completedFuture(v)).get(10, TimeUnit.SECONDS));
            } catch (Throwable t) {
                return "failed: " + t;
            }
        }
    }
}
