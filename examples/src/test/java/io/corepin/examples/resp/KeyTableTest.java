package io.corepin.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyTableTest {
    @Test
    void agreesWithHashMapUnderRandomInsertsAndDeletes() {
        KeyTable table = new KeyTable();
        Map<String, String> model = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        for (int op = 0; op < 200_000; op++) {
            String k = "k" + random.nextInt(5_000);
            byte[] kb = RespBuffer.bytes(k);
            int h = Keys.hash(kb);
            if (random.nextInt(3) == 0) {
                int slot = table.find(kb, 0, kb.length, h);
                assertEquals(model.containsKey(k), slot >= 0, k);
                if (slot >= 0) {
                    table.removeAt(slot);
                    model.remove(k);
                }
            } else {
                String v = "v" + op;
                int slot = table.findOrInsert(kb, 0, kb.length, h);
                table.values[slot] = RespBuffer.bytes(v);
                model.put(k, v);
            }
        }
        assertEquals(model.size(), table.size());
        for (Map.Entry<String, String> e : model.entrySet()) {
            byte[] kb = RespBuffer.bytes(e.getKey());
            int slot = table.find(kb, 0, kb.length, Keys.hash(kb));
            assertTrue(slot >= 0, e.getKey());
            assertEquals(e.getValue(), new String(table.values[slot], java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void keysSpreadOverCores() {
        int[] perCore = new int[4];
        for (int i = 0; i < 40_000; i++) {
            perCore[Keys.owner(Keys.hash(RespBuffer.bytes("key:" + i)), 4)]++;
        }
        for (int n : perCore) {
            assertTrue(n > 9_000 && n < 11_000, java.util.Arrays.toString(perCore));
        }
    }
}
