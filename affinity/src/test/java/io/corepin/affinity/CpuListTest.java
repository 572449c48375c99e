package io.corepin.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

class CpuListTest {

    private static BitSet set(int... cpus) {
        BitSet s = new BitSet();
        for (int c : cpus) {
            s.set(c);
        }
        return s;
    }

    @Test
    void parsesRangesSinglesAndWhitespace() {
        assertEquals(set(0, 1, 2, 3, 5, 7, 8), CpuList.parse("0-3,5,7-8"));
        assertEquals(set(0, 1), CpuList.parse(" 0-1\n"));
        assertEquals(set(4), CpuList.parse("4"));
        assertEquals(set(2, 3), CpuList.parse("2 - 3"));
        assertTrue(CpuList.parse("").isEmpty());
        assertTrue(CpuList.parse(" \n").isEmpty());
    }

    @Test
    void formatsWithRangesCollapsed() {
        assertEquals("0-2,5,7-8", CpuList.format(set(0, 1, 2, 5, 7, 8)));
        assertEquals("3", CpuList.format(set(3)));
        assertEquals("", CpuList.format(new BitSet()));
        assertEquals("1-3,6", CpuList.format(CpuList.parse(CpuList.format(set(1, 2, 3, 6)))));
    }

    @Test
    void rejectsBadTextNamingIt() {
        for (String bad : new String[] {"a", "1-", "-1", "3-1", "1,,2", "1-2-3", "0x3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse(bad));
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
    }
}
