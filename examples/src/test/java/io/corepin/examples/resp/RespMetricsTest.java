package io.corepin.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/** resp-kv's {@code --metrics-port}: a real HTTP client scrapes {@code /metrics} from a server on loopback. */
@Timeout(60)
class RespMetricsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void metricsEndpointServesEveryCoresCountersInPrometheusText() throws Exception {
        try (RespServer server = RespServer.start(ServerConfig.parse("--port", "0", "--execs", "2",
                "--metrics-port", "0"))) {
            assertTrue(server.metricsPort() > 0, "metrics port " + server.metricsPort());
            try (Jedis jedis = new Jedis("127.0.0.1", server.port(), (int) TIMEOUT.toMillis())) {
                for (int i = 0; i < 200; i++) {
                    jedis.set("k" + i, "v" + i); // keys of both cores: cross-core requests run tasks on each
                }
            }
            HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
            URI uri = URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics");
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
                response.headers().toString());
            String body = response.body();
            for (int core = 0; core < 2; core++) {
                String exec = server.exec(core).name();
                String cpu = Integer.toString(server.exec(core).cpu());
                double tasks = value(body, "corepin_exec_tasks_total", exec, cpu);
                assertTrue(tasks > 0, exec + " ran no tasks? " + tasks);
                assertEquals(16 * 1024, value(body, "corepin_exec_ring_capacity", exec, cpu), 0.0);
                value(body, "corepin_exec_ring_depth", exec, cpu);
                value(body, "corepin_exec_parks_total", exec, cpu);
                value(body, "corepin_exec_errors_total", exec, cpu);
                assertEquals(0.0, value(body, "corepin_exec_stalls_total", exec, cpu), 0.0, "no task stalls a core");
                double lag = value(body, "corepin_exec_loop_lag_seconds", exec, cpu);
                assertTrue(lag >= 0 && lag < 1, exec + " loop lag " + lag + " s");
            }
            assertTrue(body.contains("# TYPE corepin_exec_tasks_total counter"), body);
            assertTrue(body.contains("# TYPE corepin_exec_stalls_total counter"), body);
            assertTrue(body.contains("# TYPE corepin_exec_loop_lag_seconds gauge"), body);

            HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void metricsAreOffByDefaultAndABadPortIsNamed() throws Exception {
        try (RespServer server = RespServer.start(ServerConfig.builder().port(0).execs(1).build())) {
            assertEquals(-1, server.metricsPort());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ServerConfig.parse("--metrics-port", "70000"));
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
    }

    /** The value of the sample line of {@code metric} tagged with this exec and cpu (fails if there is none). */
    private static double value(String body, String metric, String exec, String cpu) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("exec=\"" + exec + "\"") && labels.contains("cpu=\"" + cpu + "\"")
                    && labels.contains("app=\"resp-kv\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no " + metric + "{exec=\"" + exec + "\",cpu=\"" + cpu + "\"} line in:\n" + body);
    }
}
