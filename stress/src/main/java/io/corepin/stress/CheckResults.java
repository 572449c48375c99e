package io.corepin.stress;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.GradingResult;
import org.openjdk.jcstress.infra.grading.ReportUtils;
import org.openjdk.jcstress.infra.grading.TestGrading;
import org.openjdk.jcstress.infra.runners.TestList;

/**
 * The build's second line of defence after jcstress's own exit status: reads the result blobs of the runs that just
 * finished and fails unless <em>every</em> test selected by the {@code --tests} regexp produced results, in exactly
 * one run (the one whose selector matches it), in every configuration with status {@code NORMAL}, and graded as
 * passed (no {@code FORBIDDEN} outcome).
 *
 * <p>jcstress 0.16 itself exits non-zero (an {@code AssertionError} from its exception report) when a test sees a
 * forbidden outcome or errs. But it exits 0 when a test cannot be scheduled (more actors than CPUs: "No scheduling
 * is possible, these tests would not run") and even on "FATAL: No matching tests", which would let a broken selector
 * or a three-actor test on the two-CPU CI pass silently. This check closes that gap.
 *
 * <p>Every jcstress test lives in package {@code io.corepin}, so the build splits them between its two runs by a
 * list of names, not by package. The check therefore also fails when a selected test is matched by no run's
 * selector or by several, when a run's results hold a test its selector does not match, and when a name in the
 * {@code --names} list (the second run's tests) is not a test at all: a renamed test left in the list would
 * otherwise move to the other run unnoticed.
 *
 * <p>It also prints, and writes to {@code summary.txt} in the first run directory, each test's outcome counts summed
 * over all configurations.
 *
 * <p>Usage: {@code java -cp jcstress.jar io.corepin.stress.CheckResults --tests TEST_REGEXP [--names NAME|NAME...]
 * --run RUN_DIR RUN_REGEXP [--run RUN_DIR RUN_REGEXP...]}. Each {@code --run} is one jcstress invocation: its freshly
 * emptied working directory, which holds at most one {@code jcstress-results-*.bin.gz} (none when its selection
 * matched nothing), and the {@code -t} regexp it ran with. Regexps select as jcstress's {@code -t} does:
 * {@code Matcher.find} on the test class name.
 */
public final class CheckResults {
    private CheckResults() {
    }

    /** One jcstress invocation: its working directory and its {@code -t} selector. */
    private record Run(Path dir, Pattern selector) {
    }

    public static void main(String[] args) throws Exception {
        Pattern tests = null;
        String names = null;
        final List<Run> runs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--tests") && i + 1 < args.length) {
                tests = Pattern.compile(args[++i]);
            } else if (args[i].equals("--names") && i + 1 < args.length) {
                names = args[++i];
            } else if (args[i].equals("--run") && i + 2 < args.length) {
                runs.add(new Run(Path.of(args[i + 1]), Pattern.compile(args[i + 2])));
                i += 2;
            } else {
                System.err.println("CheckResults: unexpected argument '" + args[i] + "'");
                usage();
            }
        }
        if (tests == null || runs.isEmpty()) {
            usage();
        }
        final Path summaryDir = runs.get(0).dir();
        final Set<String> problems = new LinkedHashSet<>(); // in order found; one line per distinct problem
        final TreeSet<String> testList = new TreeSet<>(TestList.tests());

        // Every listed name must be a test: a stale name would leave its renamed test in the other run.
        if (names != null) {
            for (String name : names.split("\\|", -1)) {
                if (testList.stream().noneMatch(t -> t.equals(name) || t.endsWith("." + name))) {
                    problems.add("--names lists '" + name + "', which is no test in META-INF/TestList");
                }
            }
        }

        // Each test's results, and the run directory each came from.
        final Map<String, List<TestResult>> byTest = new TreeMap<>();
        final Map<String, Set<Path>> ranIn = new TreeMap<>();
        int blobs = 0;
        for (Run run : runs) {
            final Path blob = findBlob(run.dir(), problems);
            if (blob == null) {
                continue;
            }
            blobs++;
            final InProcessCollector collector = new InProcessCollector();
            final DiskReadCollector reader = new DiskReadCollector(blob.toString(), collector);
            try {
                reader.dump();
            } finally {
                reader.close();
            }
            for (TestResult result : collector.getTestResults()) {
                byTest.computeIfAbsent(result.getName(), k -> new ArrayList<>()).add(result);
                ranIn.computeIfAbsent(result.getName(), k -> new TreeSet<>()).add(run.dir());
                if (!run.selector().matcher(result.getName()).find()) {
                    problems.add(result.getName() + ": has results in " + run.dir().toAbsolutePath()
                        + ", whose run does not select it ('" + run.selector() + "')");
                }
            }
        }
        if (blobs == 0) {
            problems.add("no jcstress-results-*.bin.gz in any of the run directories (did the runs start? were the"
                + " directories emptied first?)");
        }

        // Same selection rule as jcstress's -t: Matcher.find() on the test's name.
        int expected = 0;
        for (String test : testList) {
            if (!tests.matcher(test).find()) {
                continue;
            }
            expected++;
            final List<Path> selectedBy = new ArrayList<>();
            for (Run run : runs) {
                if (run.selector().matcher(test).find()) {
                    selectedBy.add(run.dir());
                }
            }
            if (selectedBy.size() != 1) {
                problems.add(test + ": selected by " + selectedBy.size() + " runs " + selectedBy
                    + ", expected exactly one (check the runs' selectors)");
            }
            final List<TestResult> results = byTest.get(test);
            if (results == null || results.isEmpty()) {
                problems.add(test + ": did not run (no results; more actors than CPUs, or the run aborted)");
                continue;
            }
            if (ranIn.get(test).size() > 1) {
                problems.add(test + ": has results in " + ranIn.get(test).size() + " runs " + ranIn.get(test)
                    + ", expected exactly one");
            }
            for (TestResult r : results) {
                if (r.status() != Status.NORMAL) {
                    problems.add(test + ": " + r.status() + " in " + r.getConfig().jvmArgs + " " + r.getMessages());
                } else if (!r.grading().isPassed) {
                    problems.add(test + ": FAILED in " + r.getConfig().jvmArgs + " " + r.grading().failureMessages);
                }
            }
        }
        if (expected == 0) {
            problems.add("no test in META-INF/TestList matches '" + tests + "'");
        }

        final String summary = summary(byTest);
        System.out.print(summary);
        Files.createDirectories(summaryDir);
        Files.writeString(summaryDir.resolve("summary.txt"), summary, StandardCharsets.UTF_8);

        if (!problems.isEmpty()) {
            System.err.println("jcstress check FAILED (" + problems.size() + " problem(s)):");
            problems.forEach(p -> System.err.println("  " + p));
            System.exit(1);
        }
        final StringBuilder perRun = new StringBuilder();
        for (Run run : runs) {
            final long n = ranIn.values().stream().filter(dirs -> dirs.contains(run.dir())).count();
            perRun.append(perRun.length() == 0 ? "" : ", ").append(n).append(" in ").append(run.dir().getFileName());
        }
        System.out.printf("jcstress check passed: %d test(s) (%s), %d result(s), all NORMAL and passed.%n",
            expected, perRun, byTest.values().stream().mapToInt(List::size).sum());
    }

    private static void usage() {
        System.err.println("usage: CheckResults --tests TEST_REGEXP [--names NAME|NAME...]"
            + " --run RUN_DIR RUN_REGEXP [--run RUN_DIR RUN_REGEXP...]");
        System.exit(2);
    }

    /** The run's result blob, or {@code null} if it wrote none; more than one is a stale directory. */
    private static Path findBlob(Path runDir, Set<String> problems) throws IOException {
        final List<Path> blobs = new ArrayList<>();
        if (Files.isDirectory(runDir)) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(runDir, "jcstress-results-*.bin.gz")) {
                dir.forEach(blobs::add);
            }
        }
        if (blobs.size() > 1) {
            problems.add("expected at most one jcstress-results-*.bin.gz in " + runDir.toAbsolutePath()
                + ", found " + blobs.size() + " (was the directory emptied first?)");
            return null;
        }
        return blobs.isEmpty() ? null : blobs.get(0);
    }

    /** Outcome counts of each test, summed over every configuration, with jcstress's own grading of each. */
    private static String summary(Map<String, List<TestResult>> byTest) {
        final StringWriter out = new StringWriter();
        final PrintWriter pw = new PrintWriter(out);
        final List<TestResult> merged = new ArrayList<>(
            ReportUtils.mergedByName(byTest.values().stream().flatMap(List::stream).toList()));
        merged.sort(Comparator.comparing(TestResult::getName));
        for (TestResult test : merged) {
            final TestGrading grading = test.grading();
            pw.printf("%n%s  [%s, %d configurations, %,d samples]%n", test.getName(),
                test.status() == Status.NORMAL && grading.isPassed ? "OK" : "FAILED",
                byTest.get(test.getName()).size(), test.getTotalCount());
            for (GradingResult g : grading.gradingResults.values()) {
                pw.printf("  %-16s %,15d  %-22s %s%n", g.id, g.count, g.expect, g.description);
            }
        }
        pw.flush();
        return out.toString();
    }
}
