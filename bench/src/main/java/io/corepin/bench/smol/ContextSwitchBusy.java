package io.corepin.bench.smol;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/** smolscale's context_switch_busy: 10 messages through a chain of 30 forwarders while 300 tasks yield forever. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
public class ContextSwitchBusy extends SmolBench {
    private Round round;

    @Override
    protected void setUpWorkload() {
        round = peer.contextSwitchBusy();
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
