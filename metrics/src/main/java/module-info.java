/**
 * corepin's Micrometer binding: {@link io.corepin.metrics.ExecMetrics} binds each Exec's counters as meters.
 * Micrometer's core jar is the automatic module {@code micrometer.core} (its declared name).
 */
module io.corepin.metrics {
    requires transitive io.corepin.runtime;
    requires transitive micrometer.core;

    exports io.corepin.metrics;
}
