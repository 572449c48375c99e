package io.corepin.bench.smol;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * smolscale's spawn_executors_recursively: 300 tasks that each create a fresh executor, run the next level on it
 * and wait for it, 300 levels deep (90,000 executors per op). For thread-backed peers (corepin-es included: an
 * {@code ExecScheduler} over a fresh Exec with a thread of its own) each fresh executor starts a platform thread, so
 * an op takes seconds: single shots, one fork, to keep the suite's time in bounds. corepin nests each fresh Exec on
 * the calling thread with {@code blockOn}, as smolscale's bench drives each fresh executor from the task that made it.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms2g", "-Xmx2g"})
public class SpawnExecutorsRecursively extends SmolBench {
    @Benchmark
    public void run() {
        peer.spawnExecutorsRecursively();
    }
}
