package io.corepin;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a {@code main} of the test classpath in a child JVM (for faults that poison a JVM: real heap exhaustion, work
 * done during JVM shutdown) and collects what it printed. Bounded: 60 s, then the child is killed and the test fails.
 */
final class ChildJvm {
    /** What a child printed, and its exit code. */
    static final class Result {
        final int exitCode;
        final String output;

        Result(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        /** The lines the child printed as {@code RESULT <line>}, without the prefix. */
        List<String> results() {
            return output.lines().filter(l -> l.startsWith("RESULT ")).map(l -> l.substring(7))
                .collect(Collectors.toList());
        }

        /** Asserts the child printed {@code RESULT <line>}. */
        void assertPrinted(String line) {
            assertTrue(results().contains(line), "expected \"" + line + "\" in the child's results " + results()
                + "\n--- child output (exit " + exitCode + ") ---\n" + output);
        }
    }

    private ChildJvm() {
    }

    static Result run(Class<?> main, String... jvmOptions) throws Exception {
        Path out = Files.createTempFile("corepin-child", ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                fail(main.getSimpleName() + " did not exit within 60 s; it printed:\n" + read(out.toFile()));
            }
            return new Result(child.exitValue(), read(out.toFile()));
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(out);
        }
    }

    private static String read(File f) throws Exception {
        return new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8);
    }
}
