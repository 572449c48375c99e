package io.corepin.bench.smol;

/** Makes the {@link SmolPeer} a JMH {@code executor} parameter names. */
final class Peers {
    private Peers() {
    }

    static SmolPeer create(String executor) {
        switch (executor) {
            case "corepin": return new CorepinPeer();
            case "corepin-es": return new ExecSchedulerPeer();
            case "fjp": return new ForkJoinPeer();
            case "netty": return new NettyPeer();
            case "tpe": return new ThreadPoolPeer();
            case "vthreads": return new VirtualThreadPeer();
            default: throw new IllegalArgumentException(
                "unknown executor '" + executor + "' (corepin, corepin-es, fjp, netty, tpe, vthreads)");
        }
    }
}
