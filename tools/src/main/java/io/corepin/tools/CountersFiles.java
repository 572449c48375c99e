package io.corepin.tools;

import io.corepin.telemetry.Telemetry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Finds the counters file {@code corepin-stat} should read: by path, by pid, or the newest of a live process. */
final class CountersFiles {
    private CountersFiles() {
    }

    /** Where processes put their files by default: {@code /dev/shm} (if usable) and {@code java.io.tmpdir}. */
    static List<Path> directories() {
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(Telemetry.defaultDirectory());
        dirs.add(Path.of("/dev/shm"));
        dirs.add(Path.of(System.getProperty("java.io.tmpdir")));
        List<Path> existing = new ArrayList<>();
        for (Path d : dirs) {
            if (Files.isDirectory(d)) {
                existing.add(d);
            }
        }
        return existing;
    }

    /** The pid in a default file name {@code corepin-<pid>.counters}, or -1. */
    static long pidOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith(Telemetry.PREFIX) || !name.endsWith(Telemetry.SUFFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(Telemetry.PREFIX.length(), name.length() - Telemetry.SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Resolves the command line's target: a path to a file, a pid, or (null) the newest file of a live process.
     *
     * @throws IllegalArgumentException saying what was looked for and where
     */
    static Path resolve(String target) throws IOException {
        if (target != null && !target.chars().allMatch(Character::isDigit)) {
            Path p = Path.of(target);
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("no counters file at " + p.toAbsolutePath());
            }
            return p;
        }
        List<Path> dirs = directories();
        if (target != null) {
            long pid = Long.parseLong(target);
            for (Path d : dirs) {
                Path p = d.resolve(Telemetry.PREFIX + pid + Telemetry.SUFFIX);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("no counters file for pid " + pid + " in " + dirs
                + (alive(pid) ? " (the process runs: was it started with -Dcorepin.counters=true?)"
                    : " (no such process)"));
        }
        List<Path> live = new ArrayList<>();
        for (Path d : dirs) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(d, Telemetry.PREFIX + "*" + Telemetry.SUFFIX)) {
                for (Path f : files) {
                    if (alive(pidOf(f))) {
                        live.add(f);
                    }
                }
            }
        }
        if (live.isEmpty()) {
            throw new IllegalArgumentException("no running corepin process with a counters file in " + dirs
                + "; start it with -Dcorepin.counters=true, or name the file");
        }
        live.sort(Comparator.comparingLong((Path f) -> f.toFile().lastModified()).reversed());
        if (live.size() > 1) {
            System.err.println("corepin-stat: several corepin processes, showing the newest; others: "
                + live.subList(1, live.size()));
        }
        return live.get(0);
    }
}
