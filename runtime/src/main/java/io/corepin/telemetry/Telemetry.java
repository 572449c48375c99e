package io.corepin.telemetry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where this process publishes its Execs' counters: nowhere (the default — the counters are still kept, in private
 * memory, behind {@code Exec.tasksRun()} and friends), or a {@link CountersFile} that {@code corepin-stat} can read.
 *
 * <p>Turn it on with the system property {@value #PROPERTY}:
 * <ul>
 *   <li>{@code -Dcorepin.counters=true} (or {@code on}): {@code /dev/shm/corepin-<pid>.counters} when
 *       {@code /dev/shm} is a writable directory, else {@code <java.io.tmpdir>/corepin-<pid>.counters};</li>
 *   <li>{@code -Dcorepin.counters=/some/path}: that file;</li>
 *   <li>unset, {@code false} or {@code off}: no file;</li>
 * </ul>
 * or call {@link #enable()} / {@link #enable(Path)} before the Execs start. Execs register when their thread starts,
 * so an Exec started before the file existed stays private. The file is deleted when the JVM exits normally (keep
 * it with {@code -Dcorepin.counters.keep=true}); a crashed process's file stays, and {@code corepin-stat} reports
 * that its pid is gone.
 */
public final class Telemetry {
    /** The system property that turns the counters file on. */
    public static final String PROPERTY = "corepin.counters";
    /** The system property that keeps the file after the JVM exits. */
    public static final String KEEP_PROPERTY = "corepin.counters.keep";
    /** Prefix of default counters file names; the pid and {@link #SUFFIX} follow. */
    public static final String PREFIX = "corepin-";
    /** Suffix of default counters file names. */
    public static final String SUFFIX = ".counters";

    private static CountersFile file;
    private static boolean propertyRead;

    private Telemetry() {
    }

    /** The counters file of this process, creating it on first call if the {@value #PROPERTY} property asks for one. */
    public static synchronized Optional<CountersFile> countersFile() {
        if (!propertyRead) {
            propertyRead = true;
            final String value = System.getProperty(PROPERTY, "").trim();
            if (!value.isEmpty() && !value.equalsIgnoreCase("false") && !value.equalsIgnoreCase("off")) {
                final boolean auto = value.equalsIgnoreCase("true") || value.equalsIgnoreCase("on");
                enable(auto ? defaultPath(ProcessHandle.current().pid()) : Path.of(value));
            }
        }
        return Optional.ofNullable(file);
    }

    /** {@link #enable(Path)} at {@link #defaultPath(long)} for this process. */
    public static synchronized CountersFile enable() {
        return enable(defaultPath(ProcessHandle.current().pid()));
    }

    /**
     * Publishes the counters of every Exec started from now on in a file at {@code path} (created, or replaced).
     * If a file is already open it is returned as is when it has this path, else replaced: Execs registered in the
     * old one keep writing there until they stop.
     *
     * @throws UncheckedIOException if the file cannot be created
     */
    public static synchronized CountersFile enable(Path path) {
        propertyRead = true;
        final Path p = path.toAbsolutePath();
        if (file != null && file.path().equals(p)) {
            return file;
        }
        try {
            file = CountersFile.create(p, CountersFile.DEFAULT_MAX_COUNTERS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the corepin counters file " + p, e);
        } catch (IllegalAccessError e) {
            p.toFile().delete();
            // on the class path Agrona is in the unnamed module; on the module path it is the automatic module org.agrona
            final Module agrona = org.agrona.IoUtil.class.getModule();
            throw new IllegalStateException("the corepin counters file needs Agrona, which needs the JVM option"
                + " --add-opens java.base/jdk.internal.misc=" + (agrona.isNamed() ? agrona.getName() : "ALL-UNNAMED")
                + " (" + e.getMessage() + ")", e);
        }
        if (!Boolean.getBoolean(KEEP_PROPERTY)) {
            p.toFile().deleteOnExit();
        }
        System.getLogger("io.corepin.telemetry").log(System.Logger.Level.INFO,
            "corepin counters in " + p + " (read them with: bash bin/corepin-stat " + ProcessHandle.current().pid()
                + ")");
        return file;
    }

    /** Stops publishing for Execs started from now on (those registered keep their records until they stop). */
    public static synchronized void disable() {
        propertyRead = true;
        file = null;
    }

    /**
     * The default counters file of process {@code pid}: in {@code /dev/shm} if that is a writable directory, else in
     * {@code java.io.tmpdir}.
     */
    public static Path defaultPath(long pid) {
        return defaultDirectory().resolve(PREFIX + pid + SUFFIX);
    }

    /** {@code /dev/shm} when it is a writable directory, else {@code java.io.tmpdir}. */
    public static Path defaultDirectory() {
        final Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
