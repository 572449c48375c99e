package io.corepin.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test
    void aSmallMachineGetsOneExecByDefaultALargerOneAnExecPerCpu() {
        assertEquals(1, ServerConfig.defaultExecs(1));
        assertEquals(1, ServerConfig.defaultExecs(2), "two CPUs: one for the Exec, one for the kernel's network work");
        assertEquals(3, ServerConfig.defaultExecs(3));
        assertEquals(8, ServerConfig.defaultExecs(8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.defaultExecs(0));
        assertEquals("cpus must be >= 1, got 0", e.getMessage());
    }

    @Test
    void withoutExecsOrCpusThePlanHasTheDefaultCount() {
        int cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(ServerConfig.defaultExecs(cpus), ServerConfig.parse("--port", "0").plan().execCount());
        assertEquals(2, ServerConfig.parse("--port", "0", "--execs", "2").plan().execCount(), "--execs still wins");
    }
}
