package io.corepin.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class CpuListTest {

    static BitSet set(int... cpus) {
        BitSet s = new BitSet();
        for (int c : cpus) {
            s.set(c);
        }
        return s;
    }

    @Test
    void parsesRangesAndSingles() {
        assertEquals(set(0, 1, 2, 3, 5, 7, 8), CpuList.parse("0-3,5,7-8"));
        assertEquals(set(4), CpuList.parse("4"));
        assertEquals(set(6), CpuList.parse("6-6"));
        assertEquals(set(1, 2, 3), CpuList.parse("3,1-2,2")); // order and overlap do not matter
        assertEquals(set(127, 128), CpuList.parse("127-128"));
    }

    @Test
    void toleratesWhitespaceAndNewlines() {
        assertEquals(set(0, 1), CpuList.parse("0-1\n")); // as read from a cpuset file
        assertEquals(set(0, 1, 4), CpuList.parse("\t0-1 , 4 \n"));
        assertEquals(set(2, 3), CpuList.parse("2 - 3"));
        assertTrue(CpuList.parse("").isEmpty());
        assertTrue(CpuList.parse(" \n").isEmpty()); // an empty cgroup v2 cpuset.cpus
    }

    @Test
    void rejectsBadTextNamingIt() {
        String[] bad = {"a", "1-", "-1", "3-1", "1,,2", "1,", ",1", "1-2-3", "0x3", "+1", "1 2", "0-7:2", "1.5",
            "99999999999", "70000", "0-70000"};
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse(text),
                text);
            assertTrue(e.getMessage().contains("\"" + text + "\""), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse(" 1;2\n"));
        assertTrue(e.getMessage().contains("\"1;2\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CpuList.parse(null));
    }

    @Test
    void formatsWithRangesCollapsed() {
        assertEquals("0-2,5,7-8", CpuList.format(set(0, 1, 2, 5, 7, 8)));
        assertEquals("3", CpuList.format(set(3)));
        assertEquals("", CpuList.format(new BitSet()));
        assertEquals("none", CpuList.show(new BitSet()));
        assertEquals("1-3,6", CpuList.format(CpuList.parse(CpuList.format(set(1, 2, 3, 6)))));
    }
}
