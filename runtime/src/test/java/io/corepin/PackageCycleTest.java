package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No package cycles among the runtime's packages (issue #17): a subpackage ({@code balance}, {@code channel},
 * {@code telemetry}, ...) depends on the kernel's public API in {@code io.corepin}, or on nothing of corepin, and the
 * kernel never depends back on it in a way that closes a loop. Checked on the compiled classes with {@code jdeps}, so
 * every reference the bytecode holds counts — field, parameter and return types, calls, casts, nested and anonymous
 * classes — but not compile-time constants (inlined by javac) nor javadoc links.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PackageCycleTest {
    private static final String ROOT = "io.corepin";

    @Test
    void runtimePackagesFormNoCycle() throws Exception {
        Path classes = classesDir();
        // in the module (surefire's module path): jdeps resolves io.corepin.runtime's requires on the same module path,
        // which holds a multi-release jar (SLF4J's), which newer jdeps refuse without --multi-release
        String modulePath = System.getProperty("jdk.module.path");
        String out = modulePath == null ? jdeps("-verbose:class", classes.toString())
            : jdeps("--module-path", modulePath, "--multi-release", String.valueOf(Runtime.version().feature()),
                "-verbose:class", classes.toString());
        PackageGraph graph = PackageGraph.parse(out, ROOT);
        assertTrue(graph.packages().containsAll(Set.of(ROOT, ROOT + ".balance", ROOT + ".channel")),
            "jdeps on " + classes + " did not report the runtime's packages; it saw " + graph.packages());
        assertEquals(List.of(), graph.cycles(), "package cycles among " + graph.packages()
            + " (each: the loop, then for every hop one class reference that makes it)");
    }

    /** The check can fail: a deliberate cycle in jdeps' output is found and named with the classes that close it. */
    @Test
    void aCycleIsReportedWithTheClassReferencesThatCloseIt() {
        String out = String.join("\n",
            "classes -> java.base",
            "classes -> not found",
            "   io.corepin.ExecGroup                  -> io.corepin.balance.LoadBalancer      classes",
            "   io.corepin.ExecGroup                  -> java.lang.Object                      java.base",
            "   io.corepin.Exec                       -> io.corepin.affinity.AffinityPlan      not found",
            "   io.corepin.balance.RoundRobin         -> io.corepin.ExecGroup                  classes",
            "   io.corepin.balance.RoundRobin         -> io.corepin.Exec                       classes",
            "   io.corepin.channel.Channel            -> io.corepin.Exec                       classes",
            "   io.corepin.channel.Channel$1          -> io.corepin.channel.ChannelTasks       classes",
            "   io.corepin.telemetry.Metric           -> io.corepin.telemetry.x.Slot           classes",
            "   io.corepin.telemetry.x.Slot           -> io.corepin.telemetry.y.Cell           classes",
            "   io.corepin.telemetry.y.Cell           -> io.corepin.telemetry.Metric           classes");
        PackageGraph graph = PackageGraph.parse(out, ROOT);
        assertEquals(List.of(
            "io.corepin -> io.corepin.balance -> io.corepin"
                + " [io.corepin.ExecGroup -> io.corepin.balance.LoadBalancer;"
                + " io.corepin.balance.RoundRobin -> io.corepin.Exec]",
            "io.corepin.telemetry -> io.corepin.telemetry.x -> io.corepin.telemetry.y -> io.corepin.telemetry"
                + " [io.corepin.telemetry.Metric -> io.corepin.telemetry.x.Slot;"
                + " io.corepin.telemetry.x.Slot -> io.corepin.telemetry.y.Cell;"
                + " io.corepin.telemetry.y.Cell -> io.corepin.telemetry.Metric]"),
            graph.cycles());
    }

    /** {@code runtime/target/classes}: where {@link Exec} was loaded from (surefire puts it on the module path). */
    private static Path classesDir() throws URISyntaxException {
        Path dir = Path.of(Exec.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(dir.resolve("io/corepin")), "not a classes directory: " + dir);
        return dir;
    }

    /** Runs the JDK's jdeps in this JVM and returns what it printed; fails naming its exit code and output. */
    private static String jdeps(String... args) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError(
            "no jdeps tool in " + System.getProperty("java.home") + ": run the tests on a JDK (17+), not a JRE"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc;
        try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
            rc = jdeps.run(o, e, args);
        }
        assertEquals(0, rc, "jdeps " + String.join(" ", args) + " exited with " + rc + ":\n" + out + err);
        return out.toString();
    }

    /** The package dependency graph under one root package, built from {@code jdeps -verbose:class} output. */
    static final class PackageGraph {
        /** {@code   a.b.C   -> d.e.F   archive}: one class reference (jdeps leaves out those within a package). */
        private static final Pattern CLASS_EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+\\S.*$");

        /** Package → the packages it depends on → one class reference that makes it (the first in name order). */
        private final Map<String, Map<String, String>> edges = new TreeMap<>();

        static PackageGraph parse(String jdepsVerboseClass, String root) {
            PackageGraph g = new PackageGraph();
            for (String line : jdepsVerboseClass.split("\\R")) {
                Matcher m = CLASS_EDGE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                String from = m.group(1);
                String to = m.group(2);
                String fromPackage = packageOf(from);
                String toPackage = packageOf(to);
                if (!under(fromPackage, root)) {
                    continue;
                }
                Map<String, String> out = g.edges.computeIfAbsent(fromPackage, p -> new TreeMap<>());
                if (under(toPackage, root) && !toPackage.equals(fromPackage)) {
                    String why = from + " -> " + to;
                    out.merge(toPackage, why, (a, b) -> a.compareTo(b) <= 0 ? a : b);
                }
            }
            return g;
        }

        /** The packages that hold classes (the origins of jdeps' lines). */
        Set<String> packages() {
            return new TreeSet<>(edges.keySet());
        }

        /**
         * One line per group of packages that reach each other (a strongly connected component of two or more): the
         * shortest loop from its first package in name order, then the class reference behind each hop.
         */
        List<String> cycles() {
            List<String> found = new ArrayList<>();
            for (Set<String> component : stronglyConnected()) {
                if (component.size() < 2) {
                    continue;
                }
                List<String> loop = shortestLoop(component.iterator().next(), component);
                StringBuilder line = new StringBuilder(String.join(" -> ", loop)).append(" [");
                for (int i = 0; i + 1 < loop.size(); i++) {
                    line.append(i == 0 ? "" : "; ").append(edges.get(loop.get(i)).get(loop.get(i + 1)));
                }
                line.append(']');
                if (component.size() > loop.size() - 1) {
                    line.append(" (all of ").append(component).append(" reach each other)");
                }
                found.add(line.toString());
            }
            return found;
        }

        /** Breadth first from {@code start} back to it, inside {@code within}: {@code [start, ..., start]}. */
        private List<String> shortestLoop(String start, Set<String> within) {
            Map<String, String> parent = new HashMap<>();
            ArrayDeque<String> queue = new ArrayDeque<>(List.of(start));
            while (!queue.isEmpty()) {
                String p = queue.poll();
                for (String q : targets(p)) {
                    if (!within.contains(q)) {
                        continue;
                    }
                    if (q.equals(start)) {
                        List<String> loop = new ArrayList<>(List.of(start));
                        for (String at = p; !at.equals(start); at = parent.get(at)) {
                            loop.add(1, at);
                        }
                        loop.add(start);
                        return loop;
                    }
                    if (!parent.containsKey(q)) {
                        parent.put(q, p);
                        queue.add(q);
                    }
                }
            }
            throw new AssertionError(start + " is in a strongly connected component " + within + " without a loop");
        }

        private Set<String> targets(String p) {
            return edges.getOrDefault(p, Map.of()).keySet();
        }

        /** Tarjan's algorithm; components in order of their first package's name, members sorted. */
        private List<Set<String>> stronglyConnected() {
            Set<String> all = new TreeSet<>(edges.keySet());
            edges.values().forEach(out -> all.addAll(out.keySet()));
            Map<String, Integer> index = new HashMap<>();
            Map<String, Integer> low = new HashMap<>();
            ArrayDeque<String> stack = new ArrayDeque<>();
            Set<String> onStack = new TreeSet<>();
            List<Set<String>> components = new ArrayList<>();
            for (String p : all) {
                if (!index.containsKey(p)) {
                    connect(p, index, low, stack, onStack, components);
                }
            }
            components.sort((a, b) -> a.iterator().next().compareTo(b.iterator().next()));
            return components;
        }

        private void connect(String p, Map<String, Integer> index, Map<String, Integer> low, ArrayDeque<String> stack,
                             Set<String> onStack, List<Set<String>> components) {
            index.put(p, index.size());
            low.put(p, index.get(p));
            stack.push(p);
            onStack.add(p);
            for (String q : targets(p)) {
                if (!index.containsKey(q)) {
                    connect(q, index, low, stack, onStack, components); // depth: the number of packages, a handful
                    low.put(p, Math.min(low.get(p), low.get(q)));
                } else if (onStack.contains(q)) {
                    low.put(p, Math.min(low.get(p), index.get(q)));
                }
            }
            if (low.get(p).equals(index.get(p))) {
                Set<String> component = new TreeSet<>();
                String q;
                do {
                    q = stack.pop();
                    onStack.remove(q);
                    component.add(q);
                } while (!q.equals(p));
                components.add(component);
            }
        }

        private static String packageOf(String className) {
            int dot = className.lastIndexOf('.');
            return dot < 0 ? "" : className.substring(0, dot);
        }

        private static boolean under(String pkg, String root) {
            return pkg.equals(root) || pkg.startsWith(root + ".");
        }
    }
}
