package io.corepin.metrics;

import io.corepin.Exec;
import io.corepin.ExecGroup;
import io.corepin.telemetry.CountersFile;
import io.corepin.telemetry.Metric;
import io.corepin.telemetry.Telemetry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Binds the counters of one or more {@link Exec}s to a Micrometer {@link MeterRegistry}, each meter tagged
 * {@code exec} (the Exec's name) and {@code cpu} (the CPU it is pinned to, {@code -1} if unpinned), plus any common
 * tags given to {@link #of(Iterable, Iterable)}.
 *
 * <p>Every meter is a function read when the registry is scraped: binding adds nothing to the Exec's owner path
 * beyond the counters it keeps anyway. Always bound, from {@code Exec}'s public getters:
 * <ul>
 *   <li>{@code corepin.exec.tasks} (counter): tasks run, updated once per loop turn — {@code rate()} is tasks/s;</li>
 *   <li>{@code corepin.exec.errors} (counter): tasks that threw, plus error handlers that threw;</li>
 *   <li>{@code corepin.exec.parks} (counter): times the Exec parked with nothing to do;</li>
 *   <li>{@code corepin.exec.donated} (counter): tasks handed to other Execs by work balancing;</li>
 *   <li>{@code corepin.exec.stalls} (counter): tasks that held the Exec past its stall threshold, counted once
 *       each as the stall guard reports them ({@link Exec#stalls()});</li>
 *   <li>{@code corepin.exec.loop.lag} (time gauge, seconds): how long the task running now has held the Exec, as
 *       the stall guard has seen it — 0 between tasks, otherwise a lower bound short by at most half the stall
 *       threshold ({@link Exec#loopLagNanos()});</li>
 *   <li>{@code corepin.exec.ring.depth} (gauge): tasks in the inbound ring now;</li>
 *   <li>{@code corepin.exec.ring.capacity} (gauge): the ring's capacity.</li>
 * </ul>
 * When this process publishes a counters file ({@link Telemetry}, {@code -Dcorepin.counters=true}) at bind time,
 * and the Exec's name is unique in it, these are bound too, read from the file:
 * <ul>
 *   <li>{@code corepin.exec.wakeups} (counter): times a producer unparked the Exec;</li>
 *   <li>{@code corepin.exec.rejects} (counter): tasks refused (ring full, or shut down);</li>
 *   <li>{@code corepin.exec.busy} (counter, seconds): time spent busy — {@code rate()} is the busy fraction;</li>
 *   <li>{@code corepin.exec.ring.depth.max} (gauge): highest sampled ring depth so far.</li>
 * </ul>
 * Counts carry no base unit (so Prometheus names them {@code corepin_exec_tasks_total} and so on); busy time and
 * loop lag are in seconds ({@code corepin_exec_busy_seconds_total}, {@code corepin_exec_loop_lag_seconds}). Meters hold their Exec weakly (Micrometer's default): a collected Exec reads as NaN.
 */
public final class ExecMetrics implements MeterBinder {
    /** Prefix of every meter name. */
    public static final String PREFIX = "corepin.exec.";
    /** Tag naming the Exec. */
    public static final String TAG_EXEC = "exec";
    /** Tag naming the Exec's CPU. */
    public static final String TAG_CPU = "cpu";

    private final List<Exec> execs;
    private final Tags commonTags;

    private ExecMetrics(List<Exec> execs, Iterable<Tag> commonTags) {
        this.execs = List.copyOf(execs);
        this.commonTags = Tags.of(commonTags);
    }

    /** A binder for every Exec of {@code group}. */
    public static ExecMetrics of(ExecGroup group) {
        return of(group, Tags.empty());
    }

    /** A binder for every Exec of {@code group}, each meter also carrying {@code commonTags}. */
    public static ExecMetrics of(ExecGroup group, Iterable<Tag> commonTags) {
        Objects.requireNonNull(group, "group");
        final List<Exec> list = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++) {
            list.add(group.exec(i));
        }
        return new ExecMetrics(list, commonTags);
    }

    /** A binder for these Execs. */
    public static ExecMetrics of(Exec... execs) {
        return of(List.of(execs), Tags.empty());
    }

    /**
     * A binder for these Execs, each meter also carrying {@code commonTags}.
     *
     * @throws NullPointerException if an Exec is null
     */
    public static ExecMetrics of(Iterable<Exec> execs, Iterable<Tag> commonTags) {
        final List<Exec> list = new ArrayList<>();
        for (Exec e : execs) {
            list.add(Objects.requireNonNull(e, "an Exec in the list is null"));
        }
        return new ExecMetrics(list, Objects.requireNonNull(commonTags, "commonTags"));
    }

    /** The Execs this binder binds. */
    public List<Exec> execs() {
        return execs;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        final Optional<CountersFile> file = Telemetry.countersFile();
        for (Exec exec : execs) {
            final Tags tags = commonTags.and(TAG_EXEC, exec.name(), TAG_CPU, Integer.toString(exec.cpu()));
            counter(registry, "tasks", "Tasks run by the Exec", tags, exec, Exec::tasksRun);
            counter(registry, "errors", "Tasks (and error handlers) that threw", tags, exec,
                Exec::taskErrors);
            counter(registry, "parks", "Times the Exec parked with nothing to do", tags, exec, Exec::parks);
            counter(registry, "donated", "Tasks handed to other Execs by work balancing", tags, exec,
                Exec::tasksDonated);
            counter(registry, "stalls", "Tasks that held the Exec longer than its stall threshold", tags, exec,
                Exec::stalls);
            TimeGauge.builder(PREFIX + "loop.lag", exec, TimeUnit.NANOSECONDS, Exec::loopLagNanos).tags(tags)
                .description("How long the task running now has held the Exec (0 between tasks)")
                .register(registry);
            Gauge.builder(PREFIX + "ring.depth", exec, Exec::depth).tags(tags)
                .description("Tasks in the Exec's inbound ring").register(registry);
            Gauge.builder(PREFIX + "ring.capacity", exec, Exec::ringCapacity).tags(tags)
                .description("Capacity of the Exec's inbound ring").register(registry);
            if (file.isPresent()) {
                bindFileCounters(registry, file.get(), exec, tags);
            }
        }
    }

    /**
     * The counters only the counters file has, when {@code name} is found there exactly once. Micrometer holds a
     * meter's object weakly, so each meter is over the Exec (which its owner holds, as for the getter meters) and its
     * function holds the file's record: a meter over the record alone would be cleared by the next collection and
     * read 0 from then on.
     */
    private static void bindFileCounters(MeterRegistry registry, CountersFile file, Exec exec, Tags tags) {
        final FileCounters c = FileCounters.find(file, exec.name());
        if (c == null) {
            return;
        }
        FunctionCounter.builder(PREFIX + "wakeups", exec, x -> c.read(Metric.WAKEUPS)).tags(tags)
            .description("Times a producer found the Exec parked and unparked it").register(registry);
        FunctionCounter.builder(PREFIX + "rejects", exec, x -> c.read(Metric.REJECTS)).tags(tags)
            .description("Tasks refused: ring full or Exec shut down").register(registry);
        FunctionCounter.builder(PREFIX + "busy", exec, x -> c.busySeconds()).tags(tags).baseUnit("seconds")
            .description("Time the Exec spent busy").register(registry);
        Gauge.builder(PREFIX + "ring.depth.max", exec, x -> c.read(Metric.RING_DEPTH_HWM)).tags(tags)
            .description("Highest sampled depth of the Exec's inbound ring").register(registry);
    }

    private static void counter(MeterRegistry registry, String name, String description, Tags tags,
                                Exec exec, java.util.function.ToLongFunction<Exec> f) {
        FunctionCounter.builder(PREFIX + name, exec, e -> f.applyAsLong(e)).tags(tags)
            .description(description).register(registry);
    }

    @Override
    public String toString() {
        return "ExecMetrics" + execs;
    }
}
