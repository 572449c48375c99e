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
import java.util.List;
import java.util.Map;
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
 * finished and fails unless <em>every</em> test selected by the {@code -t} regexp produced results, in every
 * configuration with status {@code NORMAL}, and graded as passed (no {@code FORBIDDEN} outcome).
 *
 * <p>jcstress 0.16 itself exits non-zero (an {@code AssertionError} from its exception report) when a test sees a
 * forbidden outcome or errs. But it exits 0 when a test cannot be scheduled (more actors than CPUs: "No scheduling
 * is possible, these tests would not run") and even on "FATAL: No matching tests", which would let a broken selector
 * or a three-actor test on the two-CPU CI pass silently. This check closes that gap.
 *
 * <p>It also prints, and writes to {@code summary.txt} in the first run directory, each test's outcome counts summed
 * over all configurations.
 *
 * <p>Usage: {@code java -cp jcstress.jar io.corepin.stress.CheckResults TEST_REGEXP RUN_DIR [RUN_DIR...]}: the
 * build runs jcstress twice (the ring tests, then the Exec tests with shorter iterations), each in its own freshly
 * emptied working directory; each directory holds at most one {@code jcstress-results-*.bin.gz} (none when that
 * run's selection matched nothing), and every test {@code TEST_REGEXP} selects must have results in one of them.
 * The summary goes to {@code summary.txt} in the first directory.
 */
public final class CheckResults {
    private CheckResults() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CheckResults TEST_REGEXP RUN_DIR [RUN_DIR...]");
            System.exit(2);
        }
        final Pattern selector = Pattern.compile(args[0]);
        final Path summaryDir = Path.of(args[1]);

        final List<String> problems = new ArrayList<>();
        final Map<String, List<TestResult>> byTest = new TreeMap<>();
        int blobs = 0;
        for (int i = 1; i < args.length; i++) {
            final Path blob = findBlob(Path.of(args[i]), problems);
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
            }
        }
        if (blobs == 0) {
            problems.add("no jcstress-results-*.bin.gz in any of the run directories (did the runs start? were the"
                + " directories emptied first?)");
        }

        // Same selection rule as jcstress's -t: Matcher.find() on the test's name.
        int expected = 0;
        for (String test : new TreeSet<>(TestList.tests())) {
            if (!selector.matcher(test).find()) {
                continue;
            }
            expected++;
            final List<TestResult> results = byTest.get(test);
            if (results == null || results.isEmpty()) {
                problems.add(test + ": did not run (no results; more actors than CPUs, or the run aborted)");
                continue;
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
            problems.add("no test in META-INF/TestList matches '" + selector + "'");
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
        System.out.printf("jcstress check passed: %d test(s), %d result(s), all NORMAL and passed.%n",
            expected, byTest.values().stream().mapToInt(List::size).sum());
    }

    /** The run's result blob, or {@code null} if it wrote none; more than one is a stale directory. */
    private static Path findBlob(Path runDir, List<String> problems) throws IOException {
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
