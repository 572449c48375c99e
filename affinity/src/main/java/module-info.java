/**
 * corepin's CPU placement: {@link io.corepin.affinity.CpuLayout} (cpuset-aware), {@link io.corepin.affinity.AffinityPlan}
 * and {@link io.corepin.affinity.Pinning}, over OpenHFT's Java-Thread-Affinity.
 *
 * <p>OpenHFT's {@code net.openhft:affinity} jar declares no module name: on the module path it is the automatic
 * module {@code affinity} (named after its jar), and it needs JNA ({@code com.sun.jna}) and SLF4J
 * ({@code org.slf4j}) beside it, which Maven and Gradle resolve as its dependencies. None of its types are in this
 * module's API.
 */
module io.corepin.affinity {
    requires affinity;

    exports io.corepin.affinity;
}
