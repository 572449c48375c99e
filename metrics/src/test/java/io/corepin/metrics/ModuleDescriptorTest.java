package io.corepin.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Requires;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The module descriptor of {@code io.corepin.metrics} as loaded (surefire runs this inside the module): its one
 * package exported, the runtime and Micrometer read transitively (their types are in {@link ExecMetrics}' API).
 * Fails on the class path.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModuleDescriptorTest {

    @Test
    void exportsItsPackageAndReadsRuntimeAndMicrometerTransitively() {
        Module metrics = ExecMetrics.class.getModule();
        assertEquals("io.corepin.metrics", metrics.getName(), "ExecMetrics is not in the named module");
        ModuleDescriptor d = metrics.getDescriptor();
        Map<String, String> exports = new TreeMap<>();
        d.exports().forEach(e -> exports.put(e.source(), e.targets().toString()));
        assertEquals(Map.of("io.corepin.metrics", "[]"), exports);
        Map<String, Boolean> requires = new TreeMap<>();
        for (Requires r : d.requires()) {
            if (!r.name().equals("java.base")) {
                requires.put(r.name(), r.modifiers().contains(Requires.Modifier.TRANSITIVE));
            }
        }
        assertEquals(Map.of("io.corepin.runtime", true, "micrometer.core", true), requires);
    }
}
