package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.Exec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Host loss: host 3 runs in a child JVM and is killed with SIGKILL mid-stream while host 1 sends 20,000 keyed
 * messages to hosts 1, 2 and 3. Hosts 1 and 2 see it disconnected, install epoch 2 without it, and host 1 sends its
 * unacknowledged frames for host 3 again to the keys' new owners. Then: no message is lost (each was handled by host
 * 3 before the kill — its line was read — or by a survivor), no survivor handles one twice, and each key's messages
 * on a survivor arrive in order. Messages host 3 handled but had not acked when it died are handled again by the new
 * owner: their number is printed, and bounded.
 */
@Timeout(120)
class HostLossTest {
    static final int HANDLER = 11;
    private static final int N = 20_000;
    private static final int KEYS = 101;

    @Test
    void aHostKilledMidStreamLosesNothingAndSurvivorsSeeEachMessageOnce() throws Exception {
        AtomicIntegerArray onSurvivors = new AtomicIntegerArray(N);
        AtomicIntegerArray onKilled = new AtomicIntegerArray(N);
        List<String> disorder = new java.util.concurrent.CopyOnWriteArrayList<>();
        Map<String, Map<Long, Long>> lastByExec = new java.util.concurrent.ConcurrentHashMap<>();
        MessageHandler record = (key, buf, off, len) -> {
            int i = (int) buf.getLong(off + 8);
            onSurvivors.incrementAndGet(i);
            Map<Long, Long> last = lastByExec.computeIfAbsent(Exec.current().name(), k -> new HashMap<>());
            Long prev = last.put(key, (long) i);
            if (prev != null && prev >= i) {
                disorder.add(Exec.current().name() + " key " + key + ": " + i + " after " + prev);
            }
        };
        Process child = null;
        try (TestHosts hosts = new TestHosts()) {
            ClusterNode a = hosts.start(1, 1, b -> b.handler(HANDLER, record)
                .connectionTimeout(Duration.ofMillis(200)).lossTimeout(Duration.ofMillis(300)));
            ClusterNode b = hosts.start(2, 2, x -> x.handler(HANDLER, record)
                .connectionTimeout(Duration.ofMillis(200)).lossTimeout(Duration.ofMillis(300)));
            int port = TestHosts.freeUdpPort();
            Host c = new Host(3, 2, "127.0.0.1:" + port);
            Membership m = Membership.of(1, a.host(), b.host(), c);
            String peers = m.hosts().stream().map(h -> h.id() + ":" + h.execs() + ":" + h.endpoint())
                .reduce((x, y) -> x + "," + y).orElseThrow();

            List<String> cmd = new ArrayList<>();
            cmd.add(Paths.java());
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("--add-")) {
                    cmd.add(arg);
                }
            }
            cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), HostMain.class.getName(),
                "3", "2", String.valueOf(port), hosts.root.resolve("host-3").toString(), peers));
            child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Process p = child;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    lines.add("reader: " + e);
                }
                lines.add("EOF");
            }, "host-3-reader");
            reader.setDaemon(true);
            reader.start();

            a.install(m, Duration.ofSeconds(5));
            b.install(m, Duration.ofSeconds(5));
            String first = lines.poll(60, TimeUnit.SECONDS);
            assertEquals("READY", first, "host 3's first line");
            assertTrue(a.awaitConnected(Duration.ofSeconds(20)) && b.awaitConnected(Duration.ofSeconds(20)),
                "hosts 1 and 2 connected to every peer");

            long[] keys = new long[KEYS];
            int toC = 0;
            for (int k = 0; k < KEYS; k++) {
                keys[k] = k * 31L + 7;
                toC += m.hostFor(keys[k]).id() == 3 ? 1 : 0;
            }
            assertTrue(toC > 10, "host 3 owns " + toC + " of the keys");
            Pump pump = new Pump(a, a.group().exec(0), HANDLER, keys, 1, N, 4);
            a.group().exec(0).execute(pump);

            // read host 3's lines until it has handled 2,000 messages, then SIGKILL it
            long[] rerouteNanos = {-1};
            int handledByC = 0;
            long killedAt = 0;
            while (true) {
                String line = lines.poll(30, TimeUnit.SECONDS);
                assertTrue(line != null, "host 3 went quiet after " + handledByC + " messages; host 1: " + a.losses()
                    + ", sent " + a.sends(SendResult.SENT) + ", back-pressured " + a.sends(SendResult.BACK_PRESSURED)
                    + ", not connected " + a.sends(SendResult.NOT_CONNECTED));
                if (line.equals("EOF")) {
                    break;
                }
                assertTrue(!line.startsWith("reader: "), "host 3's output was not read to its end: " + line);
                if (line.startsWith("D ")) {
                    onKilled.incrementAndGet(Integer.parseInt(line.split(" ")[1]));
                    if (++handledByC == 2_000 && killedAt == 0) {
                        killedAt = System.nanoTime();
                        // SIGKILL on Linux, through the handle: Process.destroyForcibly() also closes our end of
                        // the pipe, dropping the lines host 3 wrote (messages it handled and acked) but we had not
                        // read yet — they would count as lost
                        child.toHandle().destroyForcibly();
                        long k = killedAt;
                        Thread w = new Thread(() -> {
                            while (a.membership().epoch() < 2 && System.nanoTime() - k < TimeUnit.SECONDS.toNanos(30)) {
                                Thread.onSpinWait();
                            }
                            rerouteNanos[0] = System.nanoTime() - k;
                        }, "reroute-watch");
                        w.setDaemon(true);
                        w.start();
                    }
                } else {
                    System.out.println("host 3: " + line);
                }
            }
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), "host 3 did not die");
            assertEquals(137, child.exitValue(), "host 3 died of SIGKILL");

            assertTrue(pump.done.await(60, TimeUnit.SECONDS), "host 1 did not finish sending");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (missing(onSurvivors, onKilled) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(100);
            int redelivered = 0;
            int twiceOnSurvivors = 0;
            for (int i = 0; i < N; i++) {
                redelivered += onKilled.get(i) > 0 && onSurvivors.get(i) > 0 ? 1 : 0;
                twiceOnSurvivors += onSurvivors.get(i) > 1 ? 1 : 0;
            }
            System.out.printf("host loss: SIGKILL to epoch 2 on host 1: %d ms; host 3 handled %d before SIGKILL; %s; host 1 replayed %d, replay failed %d;"
                    + " handled again by the new owner (handled by host 3 but not acked): %d; epochs %d/%d%n",
                TimeUnit.NANOSECONDS.toMillis(rerouteNanos[0]), handledByC, a.losses(), a.replayed(), a.replayFailed(), redelivered,
                a.membership().epoch(), b.membership().epoch());
            assertEquals(0, missing(onSurvivors, onKilled), "messages lost");
            assertEquals(0, twiceOnSurvivors, "messages handled twice by the survivors");
            assertEquals(List.of(), disorder);
            assertEquals(0, a.replayFailed());
            assertEquals(2, a.membership().epoch());
            assertEquals(2, b.membership().epoch());
            assertEquals(-1, a.membership().indexOf(3));
            assertTrue(a.losses().get(0).startsWith("host 3 lost"), a.losses().toString());
            assertTrue(redelivered <= a.replayed(), redelivered + " redelivered, " + a.replayed() + " replayed");
        } finally {
            if (child != null && child.isAlive()) {
                child.destroyForcibly();
                child.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int missing(AtomicIntegerArray survivors, AtomicIntegerArray killed) {
        int n = 0;
        for (int i = 0; i < survivors.length(); i++) {
            n += survivors.get(i) == 0 && killed.get(i) == 0 ? 1 : 0;
        }
        return n;
    }

    static final class Paths {
        static String java() {
            return java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        }
    }
}
