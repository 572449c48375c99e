package io.corepin;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import io.corepin.ring.MpscRing;
import io.corepin.telemetry.CountersFile;
import io.corepin.telemetry.Metric;
import io.corepin.telemetry.StressFiles;
import java.nio.ByteOrder;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Telemetry's {@code stop()} against a producer's refused path: the owner leaves the counters file (moves the values
 * to private memory, frees its records) exactly as a producer, refused by the closed Exec, counts the rejection —
 * what {@code Exec.execute} does before throwing {@link java.util.concurrent.RejectedExecutionException}.
 *
 * <p>Before the fix {@code stop()} switched the values buffer and the offsets table with two separate stores, so a
 * producer could pair the new (private, 11 records) buffer with the old (file) offsets and throw
 * {@link IndexOutOfBoundsException} out of {@code execute} instead of the rejection, pair the old buffer with the new
 * offsets and bump another Exec's counters in the file, or add into the file after its values were copied out (the
 * rejection not counted).
 *
 * <p>Every sample registers its counters in one counters file whose freed records are reusable at once; another
 * Exec's registration holds the file's first records for the whole run, so this sample's records sit past the end
 * of a private buffer.
 * <ul>
 *   <li>{@code r1}: the producer's refused path threw {@link IndexOutOfBoundsException} (1) or returned (0).</li>
 *   <li>{@code r2}: the rejections this Exec counted, read after both (1 is exact).</li>
 *   <li>{@code r3}: the sum of the other Exec's counters in the file (0: untouched).</li>
 * </ul>
 */
@JCStressTest
@Description("Telemetry: a refused producer racing the counters' stop() counts once, in the right place, no IOOBE")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "counted once, in this Exec's counters")
@Outcome(expect = FORBIDDEN, desc = "IndexOutOfBoundsException, a lost or doubled count, or another Exec's counters")
@State
public class CountersStopVsRefused {
    /**
     * 2^20 counters (sparse): room for about 95,000 registrations at once. jcstress's footprint estimate builds
     * states it never runs, whose registrations are never freed; the samples' own are freed and reused at once.
     */
    static final CountersFile FILE = StressFiles.reusingAtOnce(1 << 20);
    /** Another Exec's counters: the file's first records, held for the whole run. */
    static final CountersFile.Registration OTHER = FILE.register(-1, "other", -1, 2);

    private final String exec = "stress";
    private final ExecCounters counters = new ExecCounters(org.agrona.concurrent.SystemNanoClock.INSTANCE);

    public CountersStopVsRefused() {
        counters.start(exec, -1, new MpscRing<Runnable>(2), FILE);
    }

    /** The Exec's thread, finishing: leaves the counters file. */
    @Actor
    public void owner() {
        counters.stop(exec);
    }

    /** A producer that the closed Exec refused, on its way to throw RejectedExecutionException. */
    @Actor
    public void producer(III_Result r) {
        try {
            counters.refused(exec, Exec.CLOSED, 1);
            r.r1 = 0;
        } catch (IndexOutOfBoundsException e) {
            r.r1 = 1;
        }
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r2 = (int) counters.get(Metric.REJECTS);
        long other = 0;
        for (Metric m : Metric.values()) {
            other += OTHER.values().order(ByteOrder.nativeOrder()).getLong(OTHER.offset(m));
        }
        r.r3 = (int) other;
    }
}
