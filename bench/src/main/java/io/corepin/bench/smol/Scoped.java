package io.corepin.bench.smol;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * smartpool's scoped test: batches of 1,000 scoped ops that each atomically add 1 to a counter owned by the
 * caller's frame; the caller waits for the whole batch. Reported per op (smartpool published 824 ns/op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class Scoped extends SmolBench {
    @Benchmark
    @OperationsPerInvocation(Smol.SCOPED_OPS)
    public long run() {
        AtomicLong sum = new AtomicLong();
        peer.scoped(sum);
        long n = sum.get();
        if (n != Smol.SCOPED_OPS) {
            throw new IllegalStateException("a scope returned before its ops were done: " + n + " of "
                + Smol.SCOPED_OPS);
        }
        return n;
    }
}
