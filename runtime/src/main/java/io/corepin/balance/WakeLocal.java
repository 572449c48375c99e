package io.corepin.balance;

/**
 * {@link LoadBalancer#wakeLocal()}: round robin (its own {@link RoundRobin} cursors) while the pick is awake; when
 * the pick is parked, the parked target on the caller's CPU if there is one. Asks {@link Targets#local()} (a
 * {@code sched_getcpu}) only after a parked pick, where a wake-up's system call is being paid anyway.
 */
final class WakeLocal implements LoadBalancer {
    private final RoundRobin rotation = new RoundRobin();

    @Override
    public int select(Runnable task, Targets targets) {
        final int pick = rotation.select(task, targets);
        if (!targets.parked(pick)) {
            return pick; // awake: it takes the task with no wake-up at all
        }
        final int local = targets.local();
        return local >= 0 && local != pick && targets.parked(local) ? local : pick;
    }

    @Override
    public String toString() {
        return "wakeLocal";
    }
}
