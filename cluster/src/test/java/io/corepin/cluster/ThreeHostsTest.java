package io.corepin.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.cluster.demo.ThreeHosts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's example across hosts, small: three {@link ThreeHosts} JVMs on 127.0.0.1 (2, 1 and 2 Execs) send keyed
 * increments for 1 s; each exits 0 and prints a RESULT line, and summed over the hosts every increment sent was
 * handled on its key's (host, Exec), none lost, repeated or out of order. About 6 s. Opt-in: see the condition.
 */
@Timeout(90)
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "corepin.cluster.threeHosts", matches = "true",
    disabledReason = "opt-in (-Dcorepin.cluster.threeHosts=true): 54 of 60 runs passed on 2 loaded cores after 28 of 28;"
        + " the failures (a publication stuck with a closed window after its images timed out) are open"
        + " (bench/RESULTS.md, 'Three hosts')")
class ThreeHostsTest {
    private static final Pattern RESULT = Pattern.compile(
        "RESULT host=(\\d+) sent=(\\d+) handled=(\\d+) lost=(\\d+) dup=(\\d+) order=(\\d+) rejected=(\\d+) misrouted=(\\d+)"
            + " resent=(\\d+)");

    @Test
    void threeJvmsHandleEveryIncrementOnceInOrder() throws Exception {
        int[] execs = {2, 1, 2};
        StringBuilder peers = new StringBuilder();
        for (int h = 0; h < 3; h++) {
            peers.append(h == 0 ? "" : ",").append(h + 1).append(':').append(execs[h]).append(":127.0.0.1:")
                .append(TestHosts.freeUdpPort());
        }
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try (TestHosts dirs = new TestHosts()) {
            for (int h = 0; h < 3; h++) {
                List<String> cmd = new ArrayList<>();
                cmd.add(HostLossTest.Paths.java());
                for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                    if (arg.startsWith("--add-")) {
                        cmd.add(arg);
                    }
                }
                cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), ThreeHosts.class.getName(),
                    String.valueOf(h + 1), String.valueOf(execs[h]), "1", peers.toString(),
                    dirs.root.resolve("host-" + (h + 1)).toString()));
                Path log = Files.createTempFile("three-hosts-" + (h + 1) + "-", ".log");
                logs.add(log);
                children.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            Map<String, Long> total = new HashMap<>();
            for (int h = 0; h < 3; h++) {
                Process p = children.get(h);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "host " + (h + 1) + " did not exit within 60 s");
                String out = read(logs.get(h));
                if (p.exitValue() != 0) {
                    StringBuilder all = new StringBuilder();
                    for (int o = 0; o < 3; o++) {
                        children.get(o).waitFor(60, TimeUnit.SECONDS);
                        all.append("--- host ").append(o + 1).append('\n').append(read(logs.get(o)));
                    }
                    out = all.toString();
                }
                assertEquals(0, p.exitValue(), "host " + (h + 1) + " exit status; the hosts' output:\n" + out);
                Matcher m = RESULT.matcher(out);
                assertTrue(m.find(), "host " + (h + 1) + " printed no RESULT line:\n" + out);
                String[] names = {"host", "sent", "handled", "lost", "dup", "order", "rejected", "misrouted", "resent"};
                for (int i = 1; i < names.length; i++) {
                    total.merge(names[i], Long.parseLong(m.group(i + 1)), Long::sum);
                }
                assertTrue(out.contains("host " + (h + 1) + " exec 0: handled "), "per-Exec rates printed:\n" + out);
            }
            assertTrue(total.get("sent") > 1000, "sent only " + total.get("sent") + " in 1 s");
            assertEquals(total.get("sent"), total.get("handled"), "sent vs handled over the three hosts: " + total);
            assertEquals(0, total.get("lost"), "lost: " + total);
            // dup: frames sent again that receivers dropped before their handlers; a handler seeing one twice is "order"
            assertEquals(0, total.get("order"), "handled out of order or twice: " + total);
            assertEquals(0, total.get("rejected"), "rejected: " + total);
            assertEquals(0, total.get("misrouted"), "handled off their key's (host, Exec): " + total);
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
            }
            for (Path log : logs) {
                Files.deleteIfExists(log);
            }
        }
    }

    private static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
