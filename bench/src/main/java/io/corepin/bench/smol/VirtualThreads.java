package io.corepin.bench.smol;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * JDK 21+ virtual threads reached from code compiled for Java 17: {@code Thread.startVirtualThread(Runnable)} and
 * {@code Executors.newVirtualThreadPerTaskExecutor()} through method handles looked up once. Held in static final
 * fields and called with {@code invokeExact}, they are inlined by the JIT like direct calls.
 */
final class VirtualThreads {
    private static final MethodHandle START = find(Thread.class, "startVirtualThread",
        MethodType.methodType(Thread.class, Runnable.class));
    private static final MethodHandle PER_TASK_EXECUTOR = find(Executors.class, "newVirtualThreadPerTaskExecutor",
        MethodType.methodType(ExecutorService.class));

    private VirtualThreads() {
    }

    /** True when this JVM has virtual threads (JDK 21 or later). */
    static boolean available() {
        return START != null && PER_TASK_EXECUTOR != null;
    }

    /** Fails with a clear message when this JVM has no virtual threads. */
    static void require() {
        if (!available()) {
            throw new UnsupportedOperationException("virtual threads need JDK 21 or later; this is "
                + System.getProperty("java.version") + " (bench/run.sh smol runs the suite on JDK 21+ when installed)");
        }
    }

    /** Starts a virtual thread running {@code task}. */
    static Thread start(Runnable task) {
        try {
            return (Thread) START.invokeExact(task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code Executors.newVirtualThreadPerTaskExecutor()}. */
    static ExecutorService newPerTaskExecutor() {
        try {
            return (ExecutorService) PER_TASK_EXECUTOR.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static MethodHandle find(Class<?> owner, String name, MethodType type) {
        try {
            return MethodHandles.publicLookup().findStatic(owner, name, type);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null; // before JDK 21
        }
    }
}
