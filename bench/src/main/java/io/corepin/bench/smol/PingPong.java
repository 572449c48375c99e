package io.corepin.bench.smol;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/** smolscale's ping_pong: 1,000 round trips to a server task (one-shot replies sent over a bounded channel of capacity 10). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class PingPong extends SmolBench {
    private Round round;

    @Override
    protected void setUpWorkload() {
        round = peer.pingPong();
    }

    @Override
    protected void tearDownWorkload() {
        round.close();
    }

    @Benchmark
    public void run() {
        round.run();
    }
}
