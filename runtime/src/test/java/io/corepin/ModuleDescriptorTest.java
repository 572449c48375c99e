package io.corepin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corepin.affinity.CpuLayout;
import io.corepin.ring.MpscRing;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Requires;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The module descriptors of ring, affinity and runtime, as the JVM loaded them (surefire runs these tests inside
 * {@code io.corepin.runtime}, on the module path): the names the README gives, only the API packages exported, the
 * ring's internals to the runtime alone, and {@code requires transitive} exactly for the modules whose types are in
 * the API. Fails on the class path (no descriptor: every module unnamed).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ModuleDescriptorTest {

    @Test
    void runtimeExportsItsApiPackagesAndReadsAgronaAndAffinityTransitively() {
        Module runtime = Exec.class.getModule();
        assertEquals("io.corepin.runtime", runtime.getName(), "Exec is not in the named module (on the class path?)");
        assertEquals(Map.of(
                "io.corepin", Set.of(),
                "io.corepin.balance", Set.of(),
                "io.corepin.channel", Set.of(),
                "io.corepin.levels", Set.of(),
                "io.corepin.telemetry", Set.of()),
            exports(runtime.getDescriptor()));
        assertEquals(Map.of(
                "io.corepin.ring", false,
                "io.corepin.affinity", true,
                "org.agrona", true,
                "jdk.jfr", false),
            requires(runtime.getDescriptor()));
    }

    @Test
    void ringExportsItsInternalsToTheRuntimeOnly() {
        Module ring = MpscRing.class.getModule();
        assertEquals("io.corepin.ring", ring.getName());
        assertEquals(Map.of(
                "io.corepin.ring", Set.of(),
                "io.corepin.ring.internal", Set.of("io.corepin.runtime")),
            exports(ring.getDescriptor()));
        assertEquals(Map.of(), requires(ring.getDescriptor()));
        assertTrue(ring.isExported("io.corepin.ring.internal", Exec.class.getModule()));
        assertFalse(ring.isExported("io.corepin.ring.internal"), "ring.internal exported to everyone");
    }

    @Test
    void affinityExportsOnePackageAndReadsOpenHftAsAnAutomaticModule() {
        Module affinity = CpuLayout.class.getModule();
        assertEquals("io.corepin.affinity", affinity.getName());
        assertEquals(Map.of("io.corepin.affinity", Set.of()), exports(affinity.getDescriptor()));
        // org.slf4j on OpenHFT's behalf (an explicit module is resolved only when required); JNA for Membarrier
        assertEquals(Map.of("affinity", false, "org.slf4j", false, "com.sun.jna", false),
            requires(affinity.getDescriptor()));
        assertTrue(affinity.getLayer().findModule("org.slf4j").isPresent(), "SLF4J not resolved: OpenHFT cannot load");
        Module openHft = affinity.getLayer().findModule("affinity").orElseThrow(
            () -> new AssertionError("OpenHFT's affinity jar is not the module 'affinity' on the module path"));
        assertTrue(openHft.getDescriptor().isAutomatic(), "expected an automatic module: " + openHft.getDescriptor());
    }

    /** package -> the modules it is exported to (empty: to everyone). */
    static Map<String, Set<String>> exports(ModuleDescriptor d) {
        Map<String, Set<String>> m = new TreeMap<>();
        for (Exports e : d.exports()) {
            m.put(e.source(), new TreeSet<>(e.targets()));
        }
        return m;
    }

    /** required module -> transitive?, without java.base (mandated). */
    static Map<String, Boolean> requires(ModuleDescriptor d) {
        Map<String, Boolean> m = new TreeMap<>();
        for (Requires r : d.requires()) {
            if (!r.name().equals("java.base")) {
                m.put(r.name(), r.modifiers().contains(Requires.Modifier.TRANSITIVE));
            }
        }
        return m;
    }
}
