package io.corepin;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.net.URL;
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
        command.add(classPath(main));
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

    /**
     * The parent's class path as a plain class path. On the class path that is {@code java.class.path}; when surefire
     * runs the tests in the module (module-info present), {@code java.class.path} holds the test dependencies only:
     * the module and its dependencies are on {@code jdk.module.path}, and the test classes are patched into the module
     * from the directory {@code main}'s class file is read from. The child needs no module: everything on its class
     * path.
     */
    static String classPath(Class<?> main) throws Exception {
        List<String> entries = new ArrayList<>();
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath != null && main.getModule().isNamed()) {
            String file = "/" + main.getName().replace('.', '/') + ".class";
            URL url = main.getResource(file);
            if (url == null || !"file".equals(url.getProtocol())) {
                throw new IllegalStateException("cannot find the directory " + main.getName() + " was loaded from: " + url);
            }
            String path = Path.of(url.toURI()).toString();
            entries.add(path.substring(0, path.length() - file.length() + 1));
            entries.add(modulePath);
        }
        entries.add(System.getProperty("java.class.path"));
        return String.join(File.pathSeparator, entries);
    }

    private static String read(File f) throws Exception {
        return new String(Files.readAllBytes(f.toPath()), StandardCharsets.UTF_8);
    }
}
