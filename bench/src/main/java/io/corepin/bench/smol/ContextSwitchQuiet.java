package io.corepin.bench.smol;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/** smolscale's context_switch_quiet: one message through a chain of 300 forwarders (capacity-1 channels). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class ContextSwitchQuiet extends SmolBench {
    private Round round;

    @Override
    protected void setUpWorkload() {
        round = peer.contextSwitchQuiet();
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
