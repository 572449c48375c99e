package io.corepin.examples.resp;

/**
 * Starts a {@link RespServer} from command-line options ({@link ServerConfig#parse(String...)}), prints where it
 * listens and which CPU each core got, and closes it cleanly on Ctrl-C (a shutdown hook).
 */
public final class RespKvMain {
    private RespKvMain() {
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println(ServerConfig.usage());
                return;
            }
        }
        ServerConfig config;
        try {
            config = ServerConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(ServerConfig.usage());
            System.exit(2);
            return;
        }
        RespServer server = RespServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            System.out.println("resp-kv closed");
        }, "resp-kv-shutdown"));
        System.out.println(server.describe());
        if (server.metricsPort() >= 0) {
            System.out.println("metrics: http://" + config.host + ":" + server.metricsPort() + "/metrics");
        }
        System.out.println("Ctrl-C to stop");
    }
}
