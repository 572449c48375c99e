package io.corepin.examples.resp;

import static io.corepin.examples.resp.RespServerTest.awaitTrue;
import static io.corepin.examples.resp.RespServerTest.coreStat;
import static io.corepin.examples.resp.RespServerTest.drain;
import static io.corepin.examples.resp.RespServerTest.keyOn;
import static io.corepin.examples.resp.RespServerTest.readUntilClosed;
import static io.corepin.examples.resp.RespServerTest.stat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * resp-kv under hostile clients, over real loopback sockets, against a two-core server started with small limits
 * (a few MiB: nothing here depends on the heap size). After each attack a well-behaved client must get correct
 * answers for keys on every core, and the server's own accounting ({@code INFO}) must show the bound held.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RespHostileClientsTest {
    private static final int SOCKET_TIMEOUT_MS = 10_000;
    private static final int MAX_BULK = 1 << 20;
    private static final int MAX_QUERY = 2 << 20;
    private static final int MAX_OUTPUT = 2 << 20;
    private static final long CLIENT_MEMORY = 16L << 20; // 8 MiB per core
    private static final int VALUE = 256 << 10;

    private RespServer server;
    private Jedis jedis;

    private void start(BiConsumer<String, Command> faultHook) throws IOException {
        server = RespServer.start(ServerConfig.builder().port(0).execs(2).maxBulkBytes(MAX_BULK)
            .maxQueryBytes(MAX_QUERY).maxOutputBytes(MAX_OUTPUT).maxClientMemory(CLIENT_MEMORY)
            .faultHook(faultHook).build());
        jedis = new Jedis("127.0.0.1", server.port(), SOCKET_TIMEOUT_MS);
    }

    @AfterEach
    void stop() {
        if (jedis != null) {
            jedis.close();
        }
        if (server != null) {
            server.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ attacks

    /**
     * One connection pipelines GETs of a 256 KiB value and never reads (200 of them here: 50 MB of replies; 100,000
     * took the whole heap before). The output limit is checked while the replies are built — on the connection's
     * core for a local key, on the owner core for a remote one — so no client's replies ever occupy more than the
     * limit, and the connection is closed as Redis closes a client past its hard output limit.
     */
    @Test
    void pipelinedGetsOfABigValueNeverHoldMoreThanTheOutputLimit() throws Exception {
        start(null);
        byte[] value = new byte[VALUE];
        new java.util.Random(7).nextBytes(value);
        for (int core = 0; core < 2; core++) {
            String key = keyOn(core, "big");
            jedis.set(RespBuffer.bytes(key), value);
            long closesBefore = sum(jedis.info(), "output_limit_closes");
            StringBuilder gets = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                gets.append("*2\r\n$3\r\nGET\r\n$").append(key.length()).append("\r\n").append(key).append("\r\n");
            }
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096); // a client that does not read: keep what the kernel buffers small
                s.connect(new InetSocketAddress("127.0.0.1", server.port()), SOCKET_TIMEOUT_MS);
                s.setSoTimeout(SOCKET_TIMEOUT_MS);
                s.getOutputStream().write(RespBuffer.bytes(gets.toString()));
                s.getOutputStream().flush();
                awaitTrue(() -> sum(jedis.info(), "output_limit_closes") > closesBefore,
                    "the non-reading client on key " + key + " (core " + core + ") closed at the output limit");
                long read = drain(s.getInputStream());
                assertTrue(read < 200L * VALUE / 4, "the server stopped sending after closing: read " + read);
            }
            String info = jedis.info();
            assertTrue(max(info, "client_peak_bytes") <= MAX_OUTPUT + (64 << 10),
                "one client's buffers held more than the output limit of " + MAX_OUTPUT + " (key on core " + core
                    + "): " + info);
        }
        assertServesEveryCore("after-gets");
        assertArrayEquals(value, jedis.get(RespBuffer.bytes(keyOn(0, "big"))));
        assertArrayEquals(value, jedis.get(RespBuffer.bytes(keyOn(1, "big"))));
        assertNothingLeftBehind();
    }

    /**
     * Twenty clients each hold most of an unfinished bulk string (900 KB of a 1 MB SET value, under the 1 MiB
     * bulk limit, so no single one breaks a per-connection limit). Together they would hold 20 MB against a server
     * budget of 16 MiB: the clients holding the most are closed, every core stays within its share, and the
     * well-behaved client connected before the attack keeps its connection and gets its answers on every core.
     */
    @Test
    void manyClientsWithUnfinishedBulksStayWithinTheServerBudget() throws Exception {
        start(null);
        assertServesEveryCore("before");
        int clients = 20;
        int held = 900_000;
        long bytesInBefore = stat(jedis.info(), "total_net_input_bytes");
        List<Socket> sockets = new ArrayList<>();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                byte[] chunk = new byte[held];
                Arrays.fill(chunk, (byte) 'x');
                for (int c = 0; c < clients; c++) {
                    Socket s = raw();
                    sockets.add(s);
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write(RespBuffer.bytes("*3\r\n$3\r\nSET\r\n$3\r\nu" + (c % 10) + (c / 10)
                            + "\r\n$1000000\r\n"));
                        out.write(chunk);
                        out.flush();
                    } catch (IOException closedByTheServer) {
                        // evicted while writing: that is the bound at work
                    }
                }
            });
            long each = held + 40; // header and payload so far
            // Every attacker the server kept has been read in full (a closed one counts as all of its bytes).
            awaitTrue(() -> {
                String now = jedis.info();
                return stat(now, "total_net_input_bytes") - bytesInBefore + stat(now, "memory_limit_closes") * each
                    >= clients * each;
            }, "the server read the attackers it kept");
            String info = jedis.info();
            for (int core = 0; core < 2; core++) {
                assertTrue(coreStat(info, core, "client_memory") <= CLIENT_MEMORY / 2,
                    "core " + core + " holds more than its share " + CLIENT_MEMORY / 2 + " of client memory: " + info);
            }
            assertTrue(stat(info, "memory_limit_closes") >= 1, "clients were closed at the server budget: " + info);
            assertServesEveryCore("during");
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        assertNothingLeftBehind();
    }

    /**
     * A client trickles a 256 KiB MSET (about 26,000 arguments) in 128 small writes. The parser resumes where the
     * previous read stopped, so the header bytes it examines stay linear in the request (before, every read
     * re-parsed the request from its first byte: quadratic). Counted, not timed.
     */
    @Test
    void aTrickledMsetIsParsedOnce() throws Exception {
        start(null);
        StringBuilder sb = new StringBuilder();
        int pairs = 13_000;
        sb.append('*').append(1 + 2 * pairs).append("\r\n$4\r\nMSET\r\n");
        for (int i = 0; i < pairs; i++) {
            String k = String.format("k%06d", i);
            sb.append("$7\r\n").append(k).append("\r\n$1\r\nv\r\n");
        }
        byte[] request = RespBuffer.bytes(sb.toString());
        int chunks = 128;
        long scannedBefore = sum(jedis.info(), "parse_scanned");
        try (Socket s = raw()) {
            OutputStream out = s.getOutputStream();
            int step = (request.length + chunks - 1) / chunks;
            for (int off = 0; off < request.length; off += step) {
                out.write(request, off, Math.min(step, request.length - off));
                out.flush();
                Thread.sleep(1); // let the server read each piece on its own (the assert counts, it does not time)
            }
            assertEquals("+OK\r\n", readLine(s.getInputStream()));
        }
        long scanned = sum(jedis.info(), "parse_scanned") - scannedBefore;
        assertTrue(scanned <= request.length, "the parser examined " + scanned + " bytes for one " + request.length
            + "-byte MSET sent in " + chunks + " pieces (it must not re-parse from the start on every read)");
        assertEquals(pairs, jedis.dbSize());
        assertEquals("v", jedis.get("k000000"));
        assertEquals("v", jedis.get(String.format("k%06d", pairs - 1)));
        assertServesEveryCore("after-mset");
    }

    /**
     * An Error (here an injected OutOfMemoryError) while handling one connection — on its own core, or on the core
     * that runs its remote request — closes that connection and is counted; the core keeps serving everyone else.
     */
    @Test
    void anErrorFromOneConnectionCostsThatConnectionNotTheCore() throws Exception {
        start((where, cmd) -> {
            if (cmd.argc == 2 && cmd.arg(0).equalsIgnoreCase("GET")
                && (cmd.arg(1).equals("boom") || (where.equals("batch") && cmd.arg(1).equals("boom-remote")))) {
                throw new OutOfMemoryError("injected by RespHostileClientsTest (" + where + ")");
            }
        });
        assertServesEveryCore("before");
        // Home side: until both cores have lost a connection to an Error (reuseport spreads the connections).
        for (int attempt = 0; attempt < 64 && !(coreStat(jedis.info(), 0, "connection_errors") > 0
            && coreStat(jedis.info(), 1, "connection_errors") > 0); attempt++) {
            try (Socket s = raw()) {
                s.getOutputStream().write(RespBuffer.bytes("GET boom\r\n"));
                assertEquals("", readUntilClosed(s), "the failing connection is closed without a reply");
            }
        }
        String info = jedis.info();
        assertTrue(coreStat(info, 0, "connection_errors") > 0 && coreStat(info, 1, "connection_errors") > 0, info);
        assertServesEveryCore("after-home-errors");
        // Owner side: the request runs on the key's owner core, which fails; the batch still comes back.
        long errorsBefore = sum(jedis.info(), "connection_errors");
        int remoteFailures = 0;
        for (int attempt = 0; attempt < 64 && remoteFailures < 2; attempt++) {
            try (Socket s = raw()) {
                s.getOutputStream().write(RespBuffer.bytes("GET boom-remote\r\n"));
                String got = readUntilClosedOrLine(s);
                if (got.isEmpty()) {
                    remoteFailures++; // on the other core: closed, not left waiting
                } else {
                    assertEquals("$-1\r\n", got, "a local GET of a missing key"); // on the owner core: no batch
                }
            }
        }
        assertEquals(2, remoteFailures, "connections on the non-owner core were closed after the owner failed");
        assertTrue(sum(jedis.info(), "connection_errors") >= errorsBefore + 2, jedis.info());
        assertServesEveryCore("after-remote-errors");
        assertNothingLeftBehind();
    }

    @Test
    void clientMemoryOptionIsCheckedAndParsed() {
        IllegalArgumentException small = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> ServerConfig.builder().maxClientMemory(5));
        assertEquals("maxClientMemory must be >= 1 MiB (1048576), got 5", small.getMessage());
        IllegalArgumentException word = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> ServerConfig.parse("--max-client-memory", "lots"));
        assertEquals("--max-client-memory needs an integer, got 'lots'", word.getMessage());
        assertEquals(3L << 30, ServerConfig.parse("--max-client-memory", String.valueOf(3L << 30)).maxClientMemory);
        assertTrue(ServerConfig.builder().build().maxClientMemory >= 64L << 20, "default: half the heap, >= 64 MiB");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A fresh client and the long-lived one both get correct answers for keys on each core. */
    private void assertServesEveryCore(String tag) {
        try (Jedis fresh = new Jedis("127.0.0.1", server.port(), SOCKET_TIMEOUT_MS)) {
            for (int core = 0; core < 2; core++) {
                String k = keyOn(core, "well-behaved-" + tag + "-");
                assertEquals("OK", fresh.set(k, tag + core), "SET on core " + core);
                assertEquals(tag + core, jedis.get(k), "GET on core " + core);
                assertEquals(tag + core, fresh.get(k), "GET on core " + core);
            }
            assertEquals("PONG", jedis.ping());
        }
    }

    /** Only the long-lived client is left, and the incremental accounting agrees with a fresh count. */
    private void assertNothingLeftBehind() throws InterruptedException {
        awaitTrue(() -> stat(jedis.info(), "connected_clients") == 1, "back to one connected client");
        String info = jedis.info();
        assertEquals(stat(info, "client_buffer_bytes"), stat(info, "client_memory"),
            "client memory accounting agrees with the buffers held: " + info);
        assertTrue(stat(info, "client_memory") <= 2L * MAX_OUTPUT, info);
    }

    private Socket raw() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), SOCKET_TIMEOUT_MS);
        s.setSoTimeout(SOCKET_TIMEOUT_MS);
        return s;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int b; (b = in.read()) >= 0; ) {
            got.write(b);
            if (b == '\n') {
                break;
            }
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** One reply line, or "" when the server closes first (fails on the socket timeout). */
    private static String readUntilClosedOrLine(Socket s) throws IOException {
        try {
            return readLine(s.getInputStream());
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither replied nor closed", e);
        } catch (IOException reset) {
            return "";
        }
    }

    private static long sum(String info, String name) {
        return coreStat(info, 0, name) + coreStat(info, 1, name);
    }

    private static long max(String info, String name) {
        return Math.max(coreStat(info, 0, name), coreStat(info, 1, name));
    }
}
