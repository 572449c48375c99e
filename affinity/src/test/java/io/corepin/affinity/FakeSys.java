package io.corepin.affinity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A temp directory laid out like {@code /sys}: only the files {@link CpuSysfs} reads. */
final class FakeSys {
    final Path root;

    FakeSys(Path root) {
        this.root = root;
    }

    private FakeSys write(String file, String text) {
        try {
            Path p = root.resolve(file);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code devices/system/cpu/isolated}, as the kernel writes it (a trailing newline). */
    FakeSys isolated(String cpus) {
        return write("devices/system/cpu/isolated", cpus + "\n");
    }

    /** {@code devices/system/cpu/nohz_full}. */
    FakeSys nohzFull(String cpus) {
        return write("devices/system/cpu/nohz_full", cpus + "\n");
    }

    /** {@code devices/system/node/node<n>/cpulist}. */
    FakeSys node(int n, String cpus) {
        return write("devices/system/node/node" + n + "/cpulist", cpus + "\n");
    }

    /** {@code devices/system/cpu/cpu<cpu>/node<n>}, the per-CPU link (a directory here). */
    FakeSys cpuLink(int cpu, int n) {
        try {
            Files.createDirectories(root.resolve("devices/system/cpu/cpu" + cpu + "/node" + n));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    CpuSysfs read() {
        return CpuSysfs.read(root);
    }
}
