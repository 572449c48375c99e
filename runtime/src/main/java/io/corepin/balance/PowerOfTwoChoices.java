package io.corepin.balance;

import java.util.concurrent.ThreadLocalRandom;

/** Two random distinct Execs, the one with the shallower ring wins (Mitzenmacher's power of two choices). */
final class PowerOfTwoChoices implements LoadBalancer {

    @Override
    public int select(Runnable task, Targets targets) {
        int size = targets.size();
        if (size == 1) {
            return 0;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(size);
        int b = random.nextInt(size - 1);
        if (b >= a) {
            b++; // distinct from a, still uniform
        }
        return targets.depth(a) <= targets.depth(b) ? a : b;
    }

    @Override
    public String toString() {
        return "powerOfTwoChoices";
    }
}
