package io.corepin.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespParserTest {
    private final RespParser parser = new RespParser(1024, 8);
    private final Command cmd = new Command();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void parsesPipelinedMultibulkRequestsInPlace() {
        byte[] in = b("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n");
        int next = parser.parse(in, 0, in.length, cmd);
        assertEquals(2, cmd.argc);
        assertEquals("GET", cmd.arg(0));
        assertEquals("k", cmd.arg(1));
        assertEquals(0, cmd.start);
        next = parser.parse(in, next, in.length, cmd);
        assertEquals(in.length, next);
        assertEquals(3, cmd.argc);
        assertEquals("a\r\nb", cmd.arg(2)); // binary-safe: CRLF inside a bulk is data
    }

    @Test
    void everyPrefixOfARequestNeedsMore() {
        byte[] in = b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n");
        for (int end = 0; end < in.length; end++) {
            assertEquals(RespParser.NEED_MORE, parser.parse(in, 0, end, cmd), "prefix of " + end + " bytes");
        }
        assertEquals(in.length, parser.parse(in, 0, in.length, cmd));
    }

    @Test
    void resumesWhereItStoppedWhileTheBytesMove() {
        CoreStats stats = new CoreStats();
        RespParser resumable = new RespParser(1024, 64, stats);
        StringBuilder sb = new StringBuilder("*41\r\n$4\r\nMSET\r\n");
        for (int i = 0; i < 20; i++) {
            sb.append("$3\r\nk").append(i % 10).append(i / 10).append("\r\n$2\r\nv").append(i % 10).append("\r\n");
        }
        for (String request : new String[] {sb.toString(), "SET  k\tv\r\n"}) {
            byte[] whole = b(request);
            long before = stats.parseScanned;
            int next = RespParser.NEED_MORE;
            for (int have = 1; have <= whole.length; have++) { // one more byte per read, at a new place each time
                int at = have % 7;
                byte[] buf = new byte[at + have];
                System.arraycopy(whole, 0, buf, at, have);
                next = resumable.parse(buf, at, at + have, cmd);
                if (have < whole.length) {
                    assertEquals(RespParser.NEED_MORE, next, "after " + have + " bytes");
                } else {
                    assertEquals(at + have, next);
                    assertEquals(at, cmd.start);
                }
            }
            long scanned = stats.parseScanned - before;
            assertEquals(false, resumable.inProgress());
            org.junit.jupiter.api.Assertions.assertTrue(scanned <= 2L * whole.length,
                "examined " + scanned + " bytes for " + whole.length + " fed one at a time");
        }
        assertEquals(3, cmd.argc);
        assertEquals("SET", cmd.arg(0));
        assertEquals("v", cmd.arg(2));
    }

    @Test
    void parsesInlineCommands() {
        byte[] in = b("PING\r\nset  k\tv\n\r\n");
        int next = parser.parse(in, 0, in.length, cmd);
        assertEquals(1, cmd.argc);
        next = parser.parse(in, next, in.length, cmd);
        assertEquals(3, cmd.argc);
        assertEquals("v", cmd.arg(2));
        next = parser.parse(in, next, in.length, cmd);
        assertEquals(0, cmd.argc); // empty line: skipped
        assertEquals(in.length, next);
    }

    @Test
    void emptyMultibulkIsSkipped() {
        byte[] in = b("*0\r\n*-1\r\n");
        assertEquals(4, parser.parse(in, 0, in.length, cmd));
        assertEquals(0, cmd.argc);
        assertEquals(in.length, parser.parse(in, 4, in.length, cmd));
    }

    @Test
    void rejectsMalformedInputWithRedisMessages() {
        assertEquals("Protocol error: invalid multibulk length", error("*x\r\n"));
        assertEquals("Protocol error: invalid multibulk length", error("*9\r\n")); // over maxArgs 8
        assertEquals("Protocol error: expected '$', got ':'", error("*1\r\n:1\r\n"));
        assertEquals("Protocol error: invalid bulk length", error("*1\r\n$1025\r\n")); // over maxBulk 1024
        assertEquals("Protocol error: invalid bulk length", error("*1\r\n$-1\r\n"));
        assertEquals("Protocol error: invalid bulk length", error("*1\r\n$99999999999\r\n"));
        assertEquals("Protocol error: bulk string of length 1 not followed by CRLF", error("*1\r\n$1\r\nab\r\n"));
        assertEquals("Protocol error: CR not followed by LF in a header line", error("*1\rx"));
        assertEquals("Protocol error: too big mbulk count string", error("*" + "1".repeat(70_000)));
        assertEquals("Protocol error: too big inline request", error("P".repeat(70_000)));
    }

    private String error(String input) {
        byte[] in = b(input);
        return assertThrows(ProtocolException.class, () -> parser.parse(in, 0, in.length, cmd), input.length() > 40
            ? input.substring(0, 40) : input).getMessage();
    }

    @Test
    void parsesLongsTheWayRedisDoes() {
        assertEquals(true, parse("0"));
        assertEquals(0, cmd.number);
        assertEquals(true, parse("-9223372036854775808"));
        assertEquals(Long.MIN_VALUE, cmd.number);
        assertEquals(true, parse("9223372036854775807"));
        assertEquals(Long.MAX_VALUE, cmd.number);
        for (String bad : new String[] {"", "-", "01", "-0", "+1", " 1", "1a", "9223372036854775808",
            "-9223372036854775809", "123456789012345678901"}) {
            assertEquals(false, parse(bad), bad);
        }
    }

    private boolean parse(String s) {
        byte[] in = b(s);
        return cmd.parseLong(in, 0, in.length);
    }
}
