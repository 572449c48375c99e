package io.corepin.bench.smol;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * smolscale's spawn_executors_recursively: 300 tasks that each create a fresh executor, run the next level on it
 * and wait for it, 300 levels deep (90,000 executors per op). For thread-backed peers each fresh executor starts
 * a platform thread, so an op takes seconds: single shots, a few per fork.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class SpawnExecutorsRecursively extends SmolBench {
    @Benchmark
    public void run() {
        peer.spawnExecutorsRecursively();
    }
}
