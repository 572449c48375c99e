package io.corepin.examples.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/**
 * The server against a real Redis client (Jedis) on an ephemeral port, with two cores so that keys and connections
 * are spread over both and cross-core requests happen all the time; bad input through raw sockets.
 */
class RespServerTest {
    private static final int TIMEOUT_MS = 20_000;
    private static final int MAX_BULK = 2 << 20;
    private static final int MAX_OUTPUT = 4 << 20;
    private static RespServer server;
    private Jedis jedis;

    @BeforeAll
    static void start() throws IOException {
        server = RespServer.start(ServerConfig.builder().port(0).execs(2)
            .maxBulkBytes(MAX_BULK).maxOutputBytes(MAX_OUTPUT).build());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void connect() {
        jedis = new Jedis("127.0.0.1", server.port(), TIMEOUT_MS);
        jedis.flushAll();
    }

    @AfterEach
    void disconnect() {
        jedis.close();
    }

    /** A key that core {@code core} owns. */
    static String keyOn(int core, String prefix) {
        for (int i = 0; ; i++) {
            String k = prefix + i;
            if (Keys.owner(Keys.hash(RespBuffer.bytes(k)), 2) == core) {
                return k;
            }
        }
    }

    // ------------------------------------------------------------------------------------------ commands

    @Test
    void pingEchoCommandConfigClient() {
        assertEquals("PONG", jedis.ping());
        assertEquals("hi there", jedis.ping("hi there"));
        assertEquals("a\r\nb", jedis.echo("a\r\nb"));
        assertEquals((long) Cmd.values().length, jedis.sendCommand(Protocol.Command.COMMAND, "COUNT"));
        List<?> info = (List<?>) jedis.sendCommand(Protocol.Command.COMMAND, "INFO", "get", "nosuch");
        assertEquals(2, info.size());
        assertEquals("get", new String((byte[]) ((List<?>) info.get(0)).get(0), StandardCharsets.UTF_8));
        assertEquals(2L, ((List<?>) info.get(0)).get(1));
        assertNull(info.get(1));
        assertEquals(Cmd.values().length, ((List<?>) jedis.sendCommand(Protocol.Command.COMMAND)).size());
        assertEquals(java.util.Map.of("appendonly", "no"), jedis.configGet("appendonly"));
        assertEquals("OK", jedis.clientSetname("me"));
        assertEquals("me", jedis.clientGetname());
        assertEquals("OK", jedis.select(0));
    }

    @Test
    void setGetWithOptions() {
        assertEquals("OK", jedis.set("k", "v"));
        assertEquals("v", jedis.get("k"));
        assertNull(jedis.get("missing"));
        assertNull(jedis.set("k", "w", SetParams.setParams().nx()));
        assertEquals("v", jedis.get("k"));
        assertEquals("OK", jedis.set("k", "w", SetParams.setParams().xx()));
        assertEquals("w", jedis.get("k"));
        assertNull(jedis.set("nope", "x", SetParams.setParams().xx()));
        assertNull(jedis.get("nope"));
        assertEquals("OK", jedis.set("n", "x", SetParams.setParams().nx().ex(100)));
        long ttl = jedis.ttl("n");
        assertTrue(ttl > 95 && ttl <= 100, "ttl " + ttl);
        assertEquals("OK", jedis.set("p", "x", SetParams.setParams().px(50_000)));
        long pttl = jedis.pttl("p");
        assertTrue(pttl > 45_000 && pttl <= 50_000, "pttl " + pttl);
        assertEquals("OK", jedis.set("n", "y")); // a plain SET clears the deadline
        assertEquals(-1, jedis.ttl("n"));
        assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "NX", "XX")));
        assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "EX")));
        assertEquals("ERR invalid expire time in 'set' command",
            error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "EX", "0")));
        assertEquals("ERR value is not an integer or out of range",
            error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "PX", "soon")));
    }

    @Test
    void delExistsAcrossCores() {
        String a = keyOn(0, "a");
        String b = keyOn(1, "b");
        jedis.set(a, "1");
        jedis.set(b, "2");
        assertEquals(2, jedis.exists(a, b, "nokey"));
        assertTrue(jedis.exists(a));
        assertEquals(2, jedis.del(a, b, "nokey"));
        assertEquals(0, jedis.exists(a, b));
        assertEquals(0, jedis.del(a));
    }

    @Test
    void incrDecrAndTheirErrors() {
        assertEquals(1, jedis.incr("c"));
        assertEquals(11, jedis.incrBy("c", 10));
        assertEquals(10, jedis.decr("c"));
        assertEquals(-5, jedis.decrBy("c", 15));
        assertEquals(-4, jedis.incrBy("c", 1));
        jedis.set("s", "abc");
        assertEquals("ERR value is not an integer or out of range", error(() -> jedis.incr("s")));
        jedis.set("big", String.valueOf(Long.MAX_VALUE));
        assertEquals("ERR increment or decrement would overflow", error(() -> jedis.incr("big")));
        assertEquals("ERR value is not an integer or out of range",
            error(() -> jedis.sendCommand(Protocol.Command.INCRBY, "c", "1.5")));
        jedis.set("t", "7", SetParams.setParams().ex(100));
        assertEquals(8, jedis.incr("t"));
        assertTrue(jedis.ttl("t") > 90, "INCR keeps the deadline");
    }

    @Test
    void msetMgetSpreadOverBothCores() {
        List<String> keys = new ArrayList<>();
        List<String> kv = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String k = (i % 2 == 0 ? keyOn(0, "m" + i + "_") : keyOn(1, "m" + i + "_"));
            keys.add(k);
            kv.add(k);
            kv.add("value-" + i);
        }
        assertEquals("OK", jedis.mset(kv.toArray(new String[0])));
        List<String> query = new ArrayList<>(keys);
        query.add(5, "missing");
        List<String> got = jedis.mget(query.toArray(new String[0]));
        assertEquals(41, got.size());
        for (int i = 0, k = 0; i < got.size(); i++) {
            if (i == 5) {
                assertNull(got.get(i));
            } else {
                assertEquals("value-" + k++, got.get(i), "position " + i);
            }
        }
        assertEquals(40, jedis.dbSize());
        String info = jedis.info();
        assertTrue(info.contains("core0:") && info.contains("core1:"), info);
        assertEquals(20, coreStat(info, 0, "keys"), info);
        assertEquals(20, coreStat(info, 1, "keys"), info);
        assertEquals("ERR wrong number of arguments for 'mset' command",
            error(() -> jedis.sendCommand(Protocol.Command.MSET, "a", "1", "b")));
    }

    @Test
    void expireTtlActiveAndLazy() throws InterruptedException {
        String lazy = keyOn(0, "lazy");
        String active = keyOn(1, "active");
        jedis.set(lazy, "v");
        jedis.set(active, "v");
        jedis.set("kept", "v");
        assertEquals(-1, jedis.ttl("kept"));
        assertEquals(-2, jedis.ttl("missing"));
        assertEquals(0, jedis.expire("missing", 10));
        assertEquals(1, jedis.pexpire(lazy, 150));
        assertEquals(1, jedis.pexpire(active, 150));
        assertEquals(1, jedis.expire("kept", 1000));
        assertEquals(1, jedis.persist("kept"));
        assertEquals(-1, jedis.ttl("kept"));
        assertEquals(3, jedis.dbSize());
        // Active expiry: the owners' timer wheels remove both keys without anyone reading them.
        awaitTrue(() -> jedis.dbSize() == 1, "DBSIZE back to 1 by the timer wheels");
        assertNull(jedis.get(lazy));
        assertEquals(-2, jedis.ttl(active));
        String info = jedis.info();
        assertEquals(2, coreStat(info, 0, "expired_keys") + coreStat(info, 1, "expired_keys"), info);
        jedis.set("gone", "v");
        assertEquals(1, jedis.expire("gone", -1)); // a deadline in the past deletes at once
        assertNull(jedis.get("gone"));
    }

    @Test
    void flushAllAndDbSize() {
        for (int i = 0; i < 100; i++) {
            jedis.set("f" + i, "v");
        }
        assertEquals(100, jedis.dbSize());
        assertEquals("OK", jedis.flushAll());
        assertEquals(0, jedis.dbSize());
        assertNull(jedis.get("f1"));
    }

    @Test
    void infoHasPerCoreStatistics() {
        jedis.set("x", "1");
        String info = jedis.info();
        assertTrue(info.contains("# Cores"), info);
        assertTrue(info.contains("cores:2"), info);
        for (int core = 0; core < 2; core++) {
            assertTrue(coreStat(info, core, "connections_received") >= 0, info);
            assertEquals(server.exec(core).cpu(), coreStat(info, core, "cpu"), info);
        }
        assertTrue(stat(info, "total_commands_processed") > 0, info);
        assertTrue(stat(info, "connected_clients") >= 1, info);
    }

    @Test
    void quitRepliesThenCloses() throws IOException {
        try (Socket s = raw()) {
            s.getOutputStream().write(RespBuffer.bytes("PING\r\nQUIT\r\nPING\r\n"));
            assertEquals("+PONG\r\n+OK\r\n", readUntilClosed(s));
        }
    }

    @Test
    void binarySafeValuesAndKeys() {
        byte[] key = {'k', '\r', '\n', 0, (byte) 0xff};
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        byte[] crlf = RespBuffer.bytes("line1\r\nline2\r\n$5\r\n*1\r\n");
        assertEquals("OK", jedis.set(key, value));
        assertArrayEquals(value, jedis.get(key));
        assertEquals("OK", jedis.set("crlf".getBytes(StandardCharsets.UTF_8), crlf));
        assertArrayEquals(crlf, jedis.get("crlf".getBytes(StandardCharsets.UTF_8)));
        assertEquals("OK", jedis.set(new byte[0], new byte[0]));
        assertArrayEquals(new byte[0], jedis.get(new byte[0]));
    }

    @Test
    void oneMegabyteValueOnEachCore() {
        byte[] big = new byte[1 << 20];
        new java.util.Random(1).nextBytes(big);
        for (int core = 0; core < 2; core++) {
            byte[] k = RespBuffer.bytes(keyOn(core, "big"));
            assertEquals("OK", jedis.set(k, big));
            assertArrayEquals(big, jedis.get(k));
        }
        List<byte[]> both = jedis.mget(RespBuffer.bytes(keyOn(0, "big")), RespBuffer.bytes(keyOn(1, "big")));
        assertArrayEquals(big, both.get(0));
        assertArrayEquals(big, both.get(1));
    }

    // ------------------------------------------------------------------------------- pipelining, concurrency

    @Test
    void pipelineOfTenThousandCommandsKeepsOrderAcrossCores() {
        Pipeline p = jedis.pipelined();
        List<Response<?>> responses = new ArrayList<>();
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            String k = "p" + (i % 97); // many keys on both cores, each reused
            responses.add(p.set(k, "v" + i));
            expected.add("OK");
            responses.add(p.get(k));
            expected.add("v" + i);
            responses.add(p.incr("counter"));
            expected.add((long) i + 1);
            responses.add(p.decrBy("down", 2));
            expected.add(-2L * (i + 1));
        }
        p.sync();
        assertEquals(10_000, responses.size());
        for (int i = 0; i < responses.size(); i++) {
            assertEquals(expected.get(i), responses.get(i).get(), "reply " + i);
        }
    }

    @Test
    void consecutiveRequestsForOneCoreTravelAsOneBatch() {
        String a = keyOn(0, "batched");
        String b = keyOn(1, "batched");
        jedis.set(a, "A");
        jedis.set(b, "B");
        String before = jedis.info();
        Pipeline p = jedis.pipelined(); // 100 GETs for each core in one write: one of the two runs is remote
        List<Response<String>> got = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            got.add(p.get(i < 100 ? a : b));
        }
        p.sync();
        for (int i = 0; i < 200; i++) {
            assertEquals(i < 100 ? "A" : "B", got.get(i).get(), "reply " + i);
        }
        String after = jedis.info();
        long batches = stat(after, "cross_core_batches") - stat(before, "cross_core_batches");
        assertTrue(batches <= 10, "100 consecutive GETs for one other core travel in a few batches, not " + batches
            + " (INFO's own part is 1)");
    }

    @Test
    void fiftyConcurrentClients() throws Exception {
        int clients = 50;
        int ops = 200;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int id = c;
                done.add(pool.submit(() -> {
                    try (Jedis j = new Jedis("127.0.0.1", server.port(), TIMEOUT_MS)) {
                        for (int i = 0; i < ops; i++) {
                            String k = "c" + id + ":" + i;
                            assertEquals("OK", j.set(k, k));
                            assertEquals(k, j.get(k));
                            j.incr("shared");
                        }
                        Pipeline p = j.pipelined();
                        List<Response<Long>> incrs = new ArrayList<>();
                        for (int i = 0; i < ops; i++) {
                            incrs.add(p.incr("piped:" + id));
                        }
                        p.sync();
                        for (int i = 0; i < ops; i++) {
                            assertEquals(i + 1, incrs.get(i).get());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(String.valueOf(clients * ops), jedis.get("shared"));
        assertEquals(clients * ops + 1 + clients, jedis.dbSize());
        String info = jedis.info();
        assertTrue(coreStat(info, 0, "connections_received") > 0 && coreStat(info, 1, "connections_received") > 0,
            "both cores got connections: " + info);
    }

    // ------------------------------------------------------------------------------------------- bad input

    @Test
    void unknownCommandAndWrongArityKeepTheConnection() {
        assertEquals("ERR unknown command 'NOPE', with args beginning with: 'a' 'b' ",
            error(() -> jedis.sendCommand(() -> RespBuffer.bytes("NOPE"), "a", "b")));
        assertEquals("ERR wrong number of arguments for 'get' command",
            error(() -> jedis.sendCommand(Protocol.Command.GET)));
        assertEquals("ERR wrong number of arguments for 'ttl' command",
            error(() -> jedis.sendCommand(Protocol.Command.TTL, "a", "b")));
        assertEquals("PONG", jedis.ping());
    }

    @Test
    void malformedInputGetsAnErrorThenAClose() throws IOException {
        String[][] cases = {
            {"*1\r\n:5\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"},
            {"*x\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
            {"*1\r\n$" + (MAX_BULK + 1) + "\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
            {"*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
            {"*2\r\n$3\r\nGET\r\n$1\r\nkXX", "-ERR Protocol error: bulk string of length 1 not followed by CRLF\r\n"},
            {"PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n!\r\n", "+PONG\r\n+PONG\r\n-ERR Protocol error: expected '$', got '!'\r\n"},
        };
        for (String[] c : cases) {
            try (Socket s = raw()) {
                s.getOutputStream().write(c[0].getBytes(StandardCharsets.ISO_8859_1));
                assertEquals(c[1], readUntilClosed(s), "input " + c[0]);
            }
        }
        assertEquals("PONG", jedis.ping());
        assertTrue(stat(jedis.info(), "protocol_errors") >= cases.length);
    }

    @Test
    void clientsThatVanishOrNeverReadAreCleanedUp() throws Exception {
        assertTimeoutPreemptively(Duration.ofSeconds(40), () -> {
            String info = jedis.info();
            long baselineClients = stat(info, "connected_clients");
            // 1. Disconnect in the middle of a request, in the middle of a big bulk, and with remote requests in flight.
            for (int i = 0; i < 20; i++) {
                try (Socket s = raw()) {
                    OutputStream out = s.getOutputStream();
                    switch (i % 3) {
                        case 0: out.write(RespBuffer.bytes("*3\r\n$3\r\nSET\r\n$1\r\nk")); break;
                        case 1: out.write(RespBuffer.bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n" + "x".repeat(50_000)));
                            break;
                        default:
                            StringBuilder sb = new StringBuilder();
                            for (int k = 0; k < 500; k++) {
                                sb.append("*2\r\n$3\r\nGET\r\n$").append(String.valueOf(k).length() + 1).append("\r\nv")
                                    .append(k).append("\r\n");
                            }
                            out.write(RespBuffer.bytes(sb.toString()));
                    }
                    out.flush();
                }
            }
            // 2. A client that pipelines GETs of a 1 MB value and never reads: closed at the output limit.
            byte[] big = new byte[1 << 20];
            jedis.set(RespBuffer.bytes("big"), big);
            long before = stat(jedis.info(), "output_limit_closes");
            try (Socket s = raw()) {
                s.setSoTimeout(TIMEOUT_MS);
                OutputStream out = s.getOutputStream();
                byte[] get = RespBuffer.bytes("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n");
                try {
                    for (int i = 0; i < 64; i++) { // 64 MB of replies against a 4 MB output limit
                        out.write(get);
                    }
                    out.flush();
                } catch (IOException closedWhileWriting) {
                    // the server may close before we finish writing: that is the point
                }
                awaitTrue(() -> stat(jedis.info(), "output_limit_closes") > before, "closed at the output limit");
                long read = drain(s.getInputStream());
                assertTrue(read < 64L << 20, "the server stopped sending after closing: read " + read);
            }
            // 3. Everyone else is still served, and nothing is left behind.
            assertEquals("PONG", jedis.ping());
            awaitTrue(() -> {
                String now = jedis.info();
                return stat(now, "connected_clients") <= baselineClients && stat(now, "replies_in_flight") == 1;
            }, "connections back to the baseline of " + baselineClients);
            String after = jedis.info();
            // Only this test's own connection holds buffers (its in/out buffers, back at their initial size).
            assertTrue(stat(after, "client_buffer_bytes") <= 16 * 1024 * baselineClients, after);
        });
    }

    @Test
    void hashAcceptModeServesClients() throws IOException {
        assertEquals(ServerConfig.AcceptMode.REUSEPORT, server.acceptMode()); // the shared server uses the default
        try (RespServer rp = RespServer.start(ServerConfig.builder().port(0).execs(2)
                .acceptMode(ServerConfig.AcceptMode.HASH).build())) {
            List<Jedis> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    Jedis j = new Jedis("127.0.0.1", rp.port(), TIMEOUT_MS);
                    clients.add(j);
                    assertEquals("OK", j.set("r" + i, "v" + i));
                }
                for (int i = 0; i < 10; i++) {
                    assertEquals("v" + i, clients.get((i + 3) % 10).get("r" + i));
                }
                assertEquals(10, clients.get(0).dbSize());
                String info = clients.get(0).info();
                assertTrue(info.contains("accept_mode:hash"), info);
                assertEquals(10, coreStat(info, 0, "connections_received") + coreStat(info, 1, "connections_received"),
                    info); // every connection core 0 accepted was adopted by exactly one core
            } finally {
                clients.forEach(Jedis::close);
            }
        }
    }

    @Test
    void closeDisconnectsClientsAndFreesThePort() throws Exception {
        RespServer other = RespServer.start(ServerConfig.builder().port(0).execs(2).build());
        int port = other.port();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            s.getOutputStream().write(RespBuffer.bytes("PING\r\n"));
            assertEquals('+', s.getInputStream().read());
            assertTimeoutPreemptively(Duration.ofSeconds(30), other::close);
            assertEquals("PONG\r\n", readUntilClosed(s));
        }
        for (int i = 0; i < 2; i++) {
            assertTrue(other.exec(i).isTerminated());
        }
        try (java.nio.channels.ServerSocketChannel again = java.nio.channels.ServerSocketChannel.open()) {
            again.bind(new InetSocketAddress("127.0.0.1", port)); // the listener is really closed
        }
    }

    // -------------------------------------------------------------------------------------------- helpers

    private static Socket raw() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        return s;
    }

    /** Everything the server sends until it closes the connection (fails on the socket timeout). */
    static String readUntilClosed(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close; got " + got, e);
        } catch (IOException reset) {
            // a reset after the reply counts as closed
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    static long drain(InputStream in) {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
            }
        } catch (IOException closed) {
            // reset or timeout: done
        }
        return total;
    }

    private static String error(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(JedisDataException.class, call).getMessage();
    }

    /** A total from INFO (also used by RespHostileClientsTest). */
    static long stat(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no " + name + " in INFO: " + info);
    }

    /** One core's field from INFO's per-core line (also used by RespHostileClientsTest). */
    static long coreStat(String info, int core, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith("core" + core + ":")) {
                for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                    String[] p = kv.split("=");
                    if (p[0].equals(name)) {
                        return Long.parseLong(p[1]);
                    }
                }
            }
        }
        throw new AssertionError("no " + name + " for core " + core + " in INFO: " + info);
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
