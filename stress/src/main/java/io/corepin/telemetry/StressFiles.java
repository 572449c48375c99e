package io.corepin.telemetry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counters files for stress tests: jcstress registers and frees an Exec's counters per sample, far more often than
 * the 10 s after which a normal file lets a freed record be reused.
 */
public final class StressFiles {
    private StressFiles() {
    }

    /**
     * A fresh, sparse counters file in {@code java.io.tmpdir} with room for {@code maxCounters}, whose freed records
     * are reusable at once; deleted at exit.
     */
    public static CountersFile reusingAtOnce(int maxCounters) {
        try {
            final Path path = Files.createTempFile("corepin-stress-", SUFFIX);
            path.toFile().deleteOnExit();
            return CountersFile.create(path, maxCounters, 0, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String SUFFIX = Telemetry.SUFFIX;
}
