package io.corepin.bench.smol;

import io.corepin.Exec;
import io.corepin.Promise;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One step of spawn_executors_recursively in isolation: create an executor, run one task on it, shut it down and
 * wait until it has terminated — from the benchmark thread (a plain thread), all executors in one run.
 * <ul>
 *   <li>{@code corepin}: {@code Exec.builder().ringCapacity(16).build()}, {@code submit}, {@code shutdown}, {@code awaitTermination} (an Exec
 *       with a thread of its own);
 *   <li>{@code corepin-blockon}: {@code Exec.blockOn(() -> stage)} — a fresh Exec hosted by the calling thread;
 *   <li>{@code corepin-nested100}: a blockOn whose body nests 99 more, each in the one before (a blockOn on a
 *       thread that already runs an Exec nests a fresh Exec on it): 100 Execs per op, divide by 100;
 *   <li>{@code tpe}: {@code Executors.newSingleThreadExecutor()}, submit, shutdown, awaitTermination;
 *   <li>{@code vthreads}: {@code newVirtualThreadPerTaskExecutor()} the same way (JDK 21+).
 * </ul>
 * {@code bash bench/run.sh smol} does not run it (its method is not {@code run}); run it by name:
 * {@code java -jar bench/target/benchmarks.jar 'smol\.ExecCreate\.cycle$' -f 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 5, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms1g", "-Xmx1g"})
public class ExecCreate {
    private static final CompletableFuture<Integer> ONE = CompletableFuture.completedFuture(1);

    @Param({"corepin", "corepin-blockon", "corepin-nested100", "tpe", "vthreads"})
    public String executor;

    @Benchmark
    public Object cycle() throws Exception {
        switch (executor) {
            case "corepin": {
                Exec e = Exec.builder().name("create").ringCapacity(16).daemon(true).build();
                Promise<Integer> p = e.submit(() -> 1);
                e.shutdown();
                if (!e.awaitTermination(20, TimeUnit.SECONDS)) {
                    throw Smol.stuck("an Exec's termination");
                }
                return p.getNow(null);
            }
            case "corepin-blockon":
                return Exec.blockOn(() -> ONE);
            case "corepin-nested100":
                return Exec.blockOn(() -> nest(99));
            case "tpe":
                return runOne(Executors.newSingleThreadExecutor());
            case "vthreads":
                VirtualThreads.require();
                return runOne(VirtualThreads.newPerTaskExecutor());
            default:
                throw new IllegalArgumentException("unknown executor '" + executor + "'");
        }
    }

    private static CompletableFuture<Integer> nest(int depth) {
        if (depth == 0) {
            return ONE;
        }
        return CompletableFuture.completedFuture(Exec.blockOn(() -> nest(depth - 1)) + 1);
    }

    private static Object runOne(ExecutorService ex) throws Exception {
        Future<Integer> f = ex.submit(() -> 1);
        ex.shutdown();
        if (!ex.awaitTermination(20, TimeUnit.SECONDS)) {
            throw Smol.stuck("an executor's termination");
        }
        return f.get(20, TimeUnit.SECONDS);
    }
}
