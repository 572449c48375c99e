package io.corepin.examples.resp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.corepin.Exec;
import io.corepin.metrics.ExecMetrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code GET /metrics}: every core's Exec counters ({@link ExecMetrics}) in Prometheus' text format, served by the
 * JDK's HTTP server on a thread of its own (never on a core), so a scrape costs the cores nothing but the counters
 * they keep anyway.
 */
final class MetricsEndpoint implements AutoCloseable {
    /** Prometheus' text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final HttpServer http;

    private MetricsEndpoint(PrometheusMeterRegistry registry, HttpServer http) {
        this.registry = registry;
        this.http = http;
    }

    /**
     * Binds {@code execs} to a new Prometheus registry and serves it on {@code host:port} (0: any free port).
     *
     * @throws IOException naming the address if it cannot be bound
     */
    static MetricsEndpoint start(String host, int port, Exec[] execs) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExecMetrics.of(Arrays.asList(execs), Tags.of("app", "resp-kv")).bindTo(registry);
        InetSocketAddress address = new InetSocketAddress(host, port);
        HttpServer http;
        try {
            http = HttpServer.create(address, 16);
        } catch (IOException e) {
            registry.close();
            throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
        }
        MetricsEndpoint endpoint = new MetricsEndpoint(registry, http);
        http.createContext("/metrics", endpoint::handle);
        http.start(); // its dispatcher thread answers scrapes
        return endpoint;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The port it serves on. */
    int port() {
        return http.getAddress().getPort();
    }

    /** Stops serving (waits at most 1 s for a scrape in progress) and closes the registry. */
    @Override
    public void close() {
        http.stop(1);
        registry.close();
    }
}
