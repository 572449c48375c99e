package io.corepin.bench.smol;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/** smolscale's fanout: 1,000 sends on a capacity-1 channel read by 1,000 receiver tasks. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class Fanout extends SmolBench {
    private Round round;

    @Override
    protected void setUpWorkload() {
        round = peer.fanout();
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
