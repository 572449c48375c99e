/** Issue #13 probe: K rings (or Execs) at different heap offsets in one JVM, measured in rotation (does the score follow the instance?). */
import io.corepin.Exec;
import io.corepin.IdleStrategy;
import io.corepin.ring.MpscRing;
import io.corepin.bench.CountTask;
import io.corepin.bench.BatchMarker;
import org.openjdk.jol.vm.VM;
import java.lang.reflect.*;
import java.nio.file.*;
import java.util.*;
import java.util.function.Consumer;

/** K rings (or Execs) at different heap offsets, one JVM, measured in rotation: does the score follow the instance? */
public class RegimeLayouts {
    static volatile boolean running = true;
    static volatile MpscRing<Runnable> current;
    static Object[] keep = new Object[64];
    static String cpuOf(long tid) {
        try {
            String s = Files.readString(Path.of("/proc/self/task/" + tid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return f[36];
        } catch (Exception e) { return "?"; }
    }
    static long tidOf(String name) throws Exception {
        for (Path p : Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            if (Files.readString(p.resolve("comm")).trim().startsWith(name)) return Long.parseLong(p.getFileName().toString());
        }
        return -1;
    }
    static Object[] bufOf(MpscRing<?> r) throws Exception {
        Field bf = Class.forName("io.corepin.ring.RingStorage").getDeclaredField("buffer"); bf.setAccessible(true);
        return (Object[]) bf.get(r);
    }
    public static void main(String[] a) throws Exception {
        String kind = a[0];
        int k = Integer.parseInt(a[1]), rounds = Integer.parseInt(a[2]);
        int ms = a.length > 3 ? Integer.parseInt(a[3]) : 500;
        CountTask task = new CountTask();
        BatchMarker marker = new BatchMarker();
        List<MpscRing<Runnable>> rings = new ArrayList<>();
        List<Exec> execs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            keep[i] = new long[1 + i * 3]; // shift the next allocations by 8*3 bytes per instance
            if (kind.equals("raw")) rings.add(new MpscRing<>(16384));
            else {
                Exec e = Exec.builder().name("bench-exec-" + i).ringCapacity(16_384).idleStrategy(IdleStrategy.park()).daemon(true).build();
                execs.add(e);
                Method m = Exec.class.getDeclaredMethod("inbound"); m.setAccessible(true);
                Object inb = m.invoke(e);
                Method rm = inb.getClass().getDeclaredMethod("ring"); rm.setAccessible(true);
                rings.add((MpscRing<Runnable>) rm.invoke(inb));
            }
        }
        Thread consumer = null;
        if (kind.equals("raw")) {
            current = rings.get(0);
            final Consumer<Runnable> run = Runnable::run;
            consumer = new Thread(() -> { while (running) { if (current.drain(run, 32) == 0) Thread.onSpinWait(); } }, "raw-ring-consumer");
            consumer.setDaemon(true); consumer.start();
        }
        long round = 0;
        double[][] score = new double[k][rounds];
        String[][] cpus = new String[k][rounds];
        long ptid = ProcessHandle.current().pid();
        for (int r = 0; r < rounds; r++) {
            for (int ii = 0; ii < k; ii++) {
                int i = (ii + r) % k;
                final MpscRing<Runnable> rr = rings.get(i);
                final Exec ee = execs.isEmpty() ? null : execs.get(i);
                if (ee == null) current = rr;
                long t0 = System.nanoTime(), ops = 0;
                while (System.nanoTime() - t0 < ms * 1_000_000L) {
                    if (ee == null) { for (int j = 0; j < 10000; j++) while (rr.offer(task) < 0) Thread.onSpinWait(); }
                    else { for (int j = 0; j < 10000; j++) while (ee.offer(task) < 0) Thread.onSpinWait(); }
                    marker.target = ++round;
                    if (ee == null) { while (rr.offer(marker) < 0) Thread.onSpinWait(); } else { while (ee.offer(marker) < 0) Thread.onSpinWait(); }
                    marker.awaitDone(round);
                    ops += 10000;
                }
                score[i][r] = ops / ((System.nanoTime() - t0) / 1000.0);
                long ct = tidOf(ee == null ? "raw-ring-consu" : "bench-exec-" + i);
                cpus[i][r] = cpuOf(ptid) + "/" + cpuOf(ct);
            }
        }
        for (int i = 0; i < k; i++) {
            MpscRing<Runnable> rr = rings.get(i);
            long ra = VM.current().addressOf(rr), ba = VM.current().addressOf(bufOf(rr));
            StringBuilder sb = new StringBuilder();
            for (int r = 0; r < rounds; r++) sb.append(String.format("%5.1f(%s) ", score[i][r], cpus[i][r]));
            System.out.printf("%s #%d ring mod128=%3d buf mod128=%3d mod4096=%4d | %s%n", kind, i, ra % 128, ba % 128, ba % 4096, sb);
        }
        running = false;
        for (Exec e : execs) e.close();
    }
}
