package io.corepin.bench.smol;

import io.corepin.Backpressure;
import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.ExecScheduler;
import io.corepin.affinity.AffinityPlan;
import io.corepin.affinity.AllowedCpus;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * corepin as a drop-in {@code ExecutorService}: {@link ExecScheduler} over a group set up as {@link CorepinPeer}'s
 * (one Exec per allowed CPU, pinned, {@link Backpressure#block}), running exactly the peers' task code
 * ({@link AsyncPeer}: {@code submit} and its future, {@link AsyncLoops} over {@link AsyncChannel}s, the driver
 * blocking on futures). Each standing task's home is the scheduler, so its continuations and yields go through the
 * group's balancer. Fresh executors for spawn_executors_recursively are an {@code ExecScheduler} over a fresh Exec
 * (ring 16), released with {@code shutdown()}, which shuts the Exec down.
 */
final class ExecSchedulerPeer extends AsyncPeer {
    private final ExecGroup group = ExecGroup.builder()
        .affinity(AffinityPlan.auto(AllowedCpus.detect().cardinality(), false))
        .execSettings(Exec.builder().name("smol-corepin-es").daemon(true))
        .backpressure(Backpressure.block(Duration.ofSeconds(Smol.PATIENCE_SECONDS)))
        .build();
    private final ExecScheduler scheduler = ExecScheduler.of(group);

    @Override
    ExecutorService service() {
        return scheduler;
    }

    @Override
    Executor home() {
        return scheduler;
    }

    @Override
    ExecutorService newNestedExecutor() {
        return ExecScheduler.of(Exec.builder().name("smol-es-nested").ringCapacity(16).daemon(true).build());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
