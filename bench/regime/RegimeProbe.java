/** Issue #13 probe (bench/regime-probe.sh): one submitter, one consumer as in ExecThroughput; per-second M tasks/s, ring and slot-array address mod 128/4096, CPUs last run on, and the raw consumer's drain-size histogram. */
import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.ring.MpscRing;
import io.corepin.bench.CountTask;
import io.corepin.bench.BatchMarker;
import org.openjdk.jol.vm.VM;
import java.lang.reflect.*;
import java.nio.file.*;
import java.util.function.Consumer;

public class RegimeProbe {
    static volatile boolean running = true;
    static final long[] HIST = new long[33];
    static final int K = Integer.getInteger("k", 1), KB = Integer.getInteger("kb", 0);
    static String cpuOf(long tid) {
        try {
            String s = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return f[36]; // field 39 = processor
        } catch (Exception e) { return "?"; }
    }
    static long nativeTid(String name) throws Exception {
        for (Path p : Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            String c = Files.readString(p.resolve("comm")).trim();
            if (c.startsWith(name)) return Long.parseLong(p.getFileName().toString());
        }
        return -1;
    }
    static long sum(int a, int b) { long s = 0; for (int i = a; i <= b; i++) s += i * HIST[i]; return s; }
    public static void main(String[] a) throws Exception {
        String kind = a[0];
        int secs = Integer.parseInt(a[1]);
        CountTask task = new CountTask();
        BatchMarker marker = new BatchMarker();
        MpscRing<Runnable> ring; Exec exec = null; Thread consumer = null;
        if (kind.equals("raw")) {
            ring = new MpscRing<>(16384);
            final MpscRing<Runnable> r = ring;
            final Consumer<Runnable> run = Runnable::run;
            consumer = new Thread(() -> { while (running) { int n = r.drain(run, 32); HIST[n]++; if (n == 0) { for (int q = 0; q < K; q++) Thread.onSpinWait(); } else if (n < 32) { for (int q = 0; q < KB; q++) Thread.onSpinWait(); } } }, "raw-ring-consumer");
            consumer.setDaemon(true); consumer.start();
        } else {
            exec = Exec.builder().name("bench-exec").ringCapacity(16_384).idleStrategy(kind.equals("spin") ? IdleStrategy.busySpin() : IdleStrategy.park()).daemon(true).build();
            Method m = Exec.class.getDeclaredMethod("inbound"); m.setAccessible(true);
            Object inb = m.invoke(exec);
            Method rm = inb.getClass().getDeclaredMethod("ring"); rm.setAccessible(true);
            ring = (MpscRing<Runnable>) rm.invoke(inb);
        }
        Field bf = Class.forName("io.corepin.ring.RingStorage").getDeclaredField("buffer"); bf.setAccessible(true);
        Object[] buf = (Object[]) bf.get(ring);
        long ra = VM.current().addressOf(ring), ba = VM.current().addressOf(buf);
        long ta = VM.current().addressOf(task), ma = VM.current().addressOf(marker);
        final MpscRing<Runnable> rr = ring; final Exec ee = exec;
        long round = 0;
        StringBuilder sb = new StringBuilder();
        double best = 0, sum = 0; int n = 0;
        for (int s = 0; s < secs; s++) {
            long t0 = System.nanoTime(), ops = 0;
            while (System.nanoTime() - t0 < 1_000_000_000L) {
                if (ee == null) { for (int i = 0; i < 10000; i++) while (rr.offer(task) < 0) Thread.onSpinWait(); }
                else { for (int i = 0; i < 10000; i++) while (ee.offer(task) < 0) Thread.onSpinWait(); }
                marker.target = ++round;
                if (ee == null) { while (rr.offer(marker) < 0) Thread.onSpinWait(); } else { while (ee.offer(marker) < 0) Thread.onSpinWait(); }
                marker.awaitDone(round);
                ops += 10000;
            }
            double mps = ops / ((System.nanoTime() - t0) / 1000.0);
            sb.append(String.format("%.1f ", mps));
            if (s >= 2) { sum += mps; n++; }
        }
        long ct = nativeTid(kind.equals("raw") ? "raw-ring-consu" : "bench-exec");
        long pt = ProcessHandle.current().pid();
        System.out.printf("k=%d kb=%d ", K, KB); System.out.printf("%s mean %.1f | ring@%x mod128=%d mod4096=%d buf@%x mod128=%d mod4096=%d task mod128=%d d(task-ring)=%d marker d=%d | cpu prod=%s cons=%s | %s%n",
            kind, sum / n, ra, ra % 128, ra % 4096, ba, ba % 128, ba % 4096, ta % 128, ta - ra, ma - ra, cpuOf(pt), cpuOf(ct), sb);
        running = false;
        if (kind.equals("raw")) { Thread.sleep(10); long calls = 0, el = 0; for (int i = 1; i <= 32; i++) { calls += HIST[i]; el += i * HIST[i]; }
          System.out.printf("   drains: empty %d nonempty %d mean %.2f  n=1:%.0f%% n=2-4:%.0f%% n=5-15:%.0f%% n=16-31:%.0f%% n=32:%.0f%% (of elements)%n", HIST[0], calls, el/(double)calls,
            100.0*HIST[1]/el, 100.0*(2*HIST[2]+3*HIST[3]+4*HIST[4])/el, 100.0*sum(5,15)/el, 100.0*sum(16,31)/el, 100.0*32*HIST[32]/el); }
        if (exec != null) exec.close();
    }
}
