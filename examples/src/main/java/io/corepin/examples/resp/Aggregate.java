package io.corepin.examples.resp;

/**
 * A command whose work is split over several cores — a multi-key DEL, EXISTS, MGET or MSET whose keys have several
 * owners, or DBSIZE, FLUSHALL, INFO, which ask every core — and whose parts' replies are combined, on the
 * connection's core, into the one reply Redis would give. Keys on different cores are not updated atomically (as in
 * Redis Cluster, where such a command would be refused instead).
 */
final class Aggregate extends Slot {
    private final Core home;
    final Cmd cmd;
    /** Each core's part reply, by core index; null for cores without a part. */
    private final byte[][] parts;
    /** MGET: for each core, the result positions of its keys, in the order it was asked. */
    final int[][] positions;
    private final int resultCount;
    private int remaining;
    /** Capacity of its parts' forwarded requests not yet back (charged to the connection; connection's core). */
    long partRequests;
    private RespBuffer result;

    Aggregate(Core home, Cmd cmd, int cores, int resultCount) {
        this.home = home;
        this.cmd = cmd;
        this.parts = new byte[cores][];
        this.positions = cmd == Cmd.MGET ? new int[cores][] : null;
        this.resultCount = resultCount;
    }

    /** One more part will report. */
    void expectPart() {
        remaining++;
    }

    /** Home core: a part's reply arrived; the last one builds the combined reply. */
    void partDone(int core, RespBuffer reply) {
        parts[core] = reply.toArray();
        if (--remaining == 0) {
            result = combine();
            java.util.Arrays.fill(parts, null); // combined: only the result is held now
            done = true;
        }
    }

    @Override
    long bytes() {
        long n = result == null ? 0 : result.capacity();
        for (byte[] p : parts) {
            n += p == null ? 0 : p.length;
        }
        return n;
    }

    private RespBuffer combine() {
        long size = 64;
        for (byte[] p : parts) {
            size += p == null ? 0 : p.length;
        }
        RespBuffer out = new RespBuffer((int) Math.min(size, Integer.MAX_VALUE - 16)); // no doubling past the parts
        for (byte[] p : parts) {
            if (p != null && p.length > 0 && p[0] == '-') {
                out.raw(p); // an error in any part is the reply
                return out;
            }
        }
        switch (cmd) {
            case DEL:
            case EXISTS:
            case DBSIZE: {
                long sum = 0;
                for (byte[] p : parts) {
                    if (p != null) {
                        sum += Replies.integer(p);
                    }
                }
                out.integer(sum);
                return out;
            }
            case MSET:
            case FLUSHALL:
                out.raw(RespBuffer.OK);
                return out;
            case MGET: {
                byte[][] elements = new byte[resultCount][];
                for (int core = 0; core < parts.length; core++) {
                    if (parts[core] != null) {
                        byte[][] got = Replies.arrayElements(parts[core]);
                        for (int i = 0; i < got.length; i++) {
                            elements[positions[core][i]] = got[i];
                        }
                    }
                }
                out.arrayHeader(resultCount);
                for (byte[] e : elements) {
                    out.raw(e);
                }
                return out;
            }
            case INFO:
                out.bulk(home.infoReport(parts));
                return out;
            default:
                throw new IllegalStateException(cmd + " is not split over cores");
        }
    }

    @Override
    void writeReply(RespBuffer out) {
        out.raw(result);
    }
}
