/**
 * corepin's CPU placement and the one system call it makes itself ({@link io.corepin.affinity.Membarrier}): {@link io.corepin.affinity.CpuLayout} (cpuset-aware), {@link io.corepin.affinity.AffinityPlan}
 * and {@link io.corepin.affinity.Pinning}, over OpenHFT's Java-Thread-Affinity.
 *
 * <p>OpenHFT's {@code net.openhft:affinity} jar declares no module name: on the module path it is the automatic
 * module {@code affinity} (named after its jar), and it needs JNA ({@code com.sun.jna}) and SLF4J
 * ({@code org.slf4j}) beside it, which Maven and Gradle resolve as its dependencies. None of its types are in this
 * module's API.
 *
 * <p>{@code requires org.slf4j} is on OpenHFT's behalf: corepin does not log through SLF4J, but an automatic module
 * cannot declare what it needs, and SLF4J's jar is an explicit module, which (unlike JNA's automatic ones) the module
 * system resolves only if some module requires it; without it OpenHFT's {@code Affinity} fails to initialize
 * ({@code NoClassDefFoundError}) and every Exec runs unpinned.
 */
module io.corepin.affinity {
    requires affinity;
    requires com.sun.jna; // Membarrier: syscall(2)
    requires org.slf4j;

    exports io.corepin.affinity;
}
