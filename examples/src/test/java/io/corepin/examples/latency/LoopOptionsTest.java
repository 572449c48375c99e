package io.corepin.examples.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopOptionsTest {
    @Test
    void defaultsAreTheIssuesRun() {
        LoopOptions o = LoopOptions.parse();
        assertEquals(10_000_000, o.roundTrips);
        assertEquals(1_000_000, o.warmup);
        assertEquals(Path.of("bench/results/latency-loop.png"), o.plot);
        assertEquals(List.of("raw-ring", "corepin", "agrona", "netty"), o.contenders);
        assertTrue(o.pin);
        assertNull(o.cpus);
        assertEquals(1024, o.queueCapacity);
        assertEquals(Duration.ofSeconds(600), o.timeout);
    }

    @Test
    void parsesEveryOptionAndTheLastOccurrenceWins() {
        LoopOptions o = LoopOptions.parse("--round-trips", "1e7", "--warmup", "250_000", "--plot", "a.png",
            "--plot", "b.png", "--cpus", "1, 0", "--contenders", "netty,raw-spsc", "--queue-capacity", "256",
            "--timeout-seconds", "30");
        assertEquals(10_000_000, o.roundTrips);
        assertEquals(250_000, o.warmup);
        assertEquals(Path.of("b.png"), o.plot);
        assertArrayEquals(new int[] {1, 0}, o.cpus);
        assertEquals(List.of("netty", "raw-spsc"), o.contenders);
        assertEquals(256, o.queueCapacity);
        assertEquals(Duration.ofSeconds(30), o.timeout);
        assertFalse(LoopOptions.parse("--cpus", "0,1", "--no-pin").pin);
        assertEquals(0, LoopOptions.parse("--warmup", "0").warmup);
        assertTrue(LoopOptions.parse("--help").help);
    }

    @Test
    void badValuesAreRejectedNamingTheOptionAndTheValue() {
        assertMessage("--round-trips must be >= 1, got 0", "--round-trips", "0");
        assertMessage("--round-trips takes a whole number, got \"1.5\"", "--round-trips", "1.5");
        assertMessage("--warmup takes a whole number, got \"lots\"", "--warmup", "lots");
        assertMessage("--warmup must be >= 0, got -1", "--warmup", "-1");
        assertMessage("--round-trips needs a value", "--round-trips");
        assertMessage("unknown option \"--rounds\" (try --help)", "--rounds", "5");
        assertMessage("--cpus takes exactly two CPU ids (initiator,responder), got \"3\"", "--cpus", "3");
        assertMessage("--cpus takes CPU ids, got \"x\" in \"0,x\"", "--cpus", "0,x");
        assertMessage("unknown contender \"tpe\" in --contenders corepin,tpe; known: raw-ring, raw-spsc, corepin,"
            + " corepin-unguarded, agrona, netty", "--contenders", "corepin,tpe");
        assertMessage("contender \"corepin\" listed twice in --contenders corepin,corepin", "--contenders",
            "corepin,corepin");
        assertMessage("--queue-capacity must be a power of two in [2, 2^30], got 1000", "--queue-capacity", "1000");
        assertMessage("--timeout-seconds must be >= 1, got 0", "--timeout-seconds", "0");
    }

    @Test
    void cpusOutsideTheAllowedSetAreRejectedByTheAffinityPlan() {
        LoopOptions o = LoopOptions.parse("--cpus", "0,4096", "--round-trips", "1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> LatencyLoop.run(o, new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
    }

    private static void assertMessage(String message, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LoopOptions.parse(args));
        assertEquals(message, e.getMessage());
    }
}
