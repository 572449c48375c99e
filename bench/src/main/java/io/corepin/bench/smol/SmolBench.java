package io.corepin.bench.smol;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every workload of the smolscale suite shares: the {@code executor} parameter (corepin and its peers, each a
 * {@link SmolPeer}, all in the same run), the peer's life for a trial, and the JVM flags. One subclass per workload;
 * the workloads that keep standing tasks ({@link Round}s) set them up once per trial, as smolscale's do. Nothing is
 * pinned for the peers; each pool has one thread per CPU; the benchmark thread is the driver.
 */
@State(Scope.Benchmark)
@Fork(value = 2, jvmArgsAppend = {"--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC",
    "-Xms2g", "-Xmx2g"})
public abstract class SmolBench {
    /**
     * The executor under test; corepin-es is corepin as a drop-in ExecutorService ({@link ExecSchedulerPeer}, the
     * peers' task code). vthreads needs JDK 21+ (bench/run.sh smol picks one).
     */
    @Param({"corepin", "corepin-es", "fjp", "netty", "tpe", "vthreads"})
    public String executor;

    /** The executor's implementation of the workloads. */
    protected SmolPeer peer;

    @Setup(Level.Trial)
    public void startPeer() {
        peer = Peers.create(executor);
        setUpWorkload();
    }

    @TearDown(Level.Trial)
    public void stopPeer() {
        try {
            tearDownWorkload();
        } finally {
            peer.close();
        }
    }

    /** Sets up the workload's standing tasks, if it has any. */
    protected void setUpWorkload() {
    }

    /** Stops them. */
    protected void tearDownWorkload() {
    }
}
