package io.corepin.levels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration as the kernel reads it: the accessors of built {@link Levels}, and what a build refuses. */
class LevelsConfigurationTest {

    @Test
    void accessorsReportTheDeclaredLanesLevelsFollowupsDefaultAndSlices() {
        Lane realtime = Lane.fifo("realtime");
        Lane responsive = Lane.fifo("responsive");
        Lane backlog = Lane.fifo("backlog").completeOnClose(false);
        Lane deadlines = Lane.deadlineFirst("deadlines");
        Levels levels = Levels.builder().level(realtime).level(responsive).level(backlog, deadlines)
            .roundRobin(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(3))
            .followup(backlog, responsive).defaultLane(responsive).build();

        assertEquals(3, levels.levels());
        assertEquals(List.of(realtime, responsive, backlog, deadlines), levels.lanes());
        for (int i = 0; i < levels.lanes().size(); i++) {
            assertEquals(i, levels.indexOf(levels.lanes().get(i)), "index = position in lanes()");
        }
        assertEquals(List.of(realtime), levels.lanesOf(0));
        assertEquals(List.of(backlog, deadlines), levels.lanesOf(2));
        assertSame(responsive, levels.followup(backlog));
        assertSame(deadlines, levels.followup(deadlines), "no followup declared: the lane itself");
        assertSame(responsive, levels.defaultLane());
        assertTrue(levels.isRoundRobin());
        assertEquals(2_000_000L, levels.sliceNanos(1));
        assertFalse(backlog.isCompleteOnClose());
        assertTrue(deadlines.isCompleteOnClose());
        assertTrue(levels.toString().contains("backlog→responsive"), levels.toString());
    }

    @Test
    void highestFirstLevelsDefaultToTheFirstLaneAndHaveNoSlices() {
        Lane first = Lane.fifo("first");
        Lane second = Lane.fifo("second");
        Levels levels = Levels.builder().level(first, second).build();
        assertSame(first, levels.defaultLane());
        assertFalse(levels.isRoundRobin());
        IllegalStateException noSlices = assertThrows(IllegalStateException.class, () -> levels.sliceNanos(0));
        assertTrue(noSlices.getMessage().contains("level 0"), noSlices.getMessage());
    }

    @Test
    void badLookupsNameTheBadValue() {
        Lane a = Lane.fifo("a");
        Levels levels = Levels.builder().level(a).build();
        Lane stranger = Lane.fifo("stranger");
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> levels.indexOf(stranger));
        assertTrue(foreign.getMessage().contains("'stranger'"), foreign.getMessage());
        assertThrows(IllegalArgumentException.class, () -> levels.followup(stranger));
        assertThrows(NullPointerException.class, () -> levels.indexOf(null));
        IllegalArgumentException noLevel = assertThrows(IllegalArgumentException.class, () -> levels.lanesOf(1));
        assertTrue(noLevel.getMessage().contains("no level 1"), noLevel.getMessage());
        assertThrows(IllegalArgumentException.class, () -> levels.lanesOf(-1));
    }

    @Test
    void sixtyFourLanesAcrossLevelsBuildAndTheSixtyFifthIsRefusedWhereverItIs() {
        Levels.Builder ok = Levels.builder();
        Levels.Builder tooMany = Levels.builder();
        for (int level = 0; level < 8; level++) { // 8 levels of 8 lanes: one bit each in the owner's long mask
            Lane[] lanes = new Lane[8];
            Lane[] more = new Lane[8];
            for (int i = 0; i < 8; i++) {
                lanes[i] = Lane.fifo("l" + level + "." + i);
                more[i] = Lane.fifo("m" + level + "." + i);
            }
            ok.level(lanes);
            tooMany.level(more);
        }
        Levels built = ok.build();
        assertEquals(64, built.lanes().size());
        assertEquals(63, built.indexOf(built.lanesOf(7).get(7)));
        tooMany.level(Lane.fifo("one-too-many"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, tooMany::build);
        assertTrue(refused.getMessage().contains("at most 64 lanes, got 65"), refused.getMessage());
    }

    @Test
    void aBuildRefusesMoreThan64LanesAndUndeclaredLanesNamingThem() {
        List<Lane> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(Lane.fifo("l" + i));
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
            () -> Levels.builder().level(many.toArray(new Lane[0])).build());
        assertTrue(tooMany.getMessage().contains("at most 64 lanes, got 65"), tooMany.getMessage());
        Lane ok = Lane.fifo("ok");
        Lane elsewhere = Lane.fifo("elsewhere");
        IllegalArgumentException undeclared = assertThrows(IllegalArgumentException.class,
            () -> Levels.builder().level(ok).defaultLane(elsewhere).build());
        assertTrue(undeclared.getMessage().contains("default lane 'elsewhere'"), undeclared.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> Levels.builder().level());
        assertTrue(empty.getMessage().contains("at least one lane"), empty.getMessage());
    }

    @Test
    void aFailedBuildLeavesItsLanesFreeForAnotherLevels() {
        Lane free = Lane.fifo("free");
        Lane stranger = Lane.fifo("stranger");
        assertThrows(IllegalArgumentException.class,
            () -> Levels.builder().level(free).followup(free, stranger).build());
        Levels levels = Levels.builder().level(free).build();
        assertEquals(0, levels.indexOf(free));
    }
}
