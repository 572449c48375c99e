package io.corepin;

/**
 * A run-queue entry of corepin's own that carries a user's task (a scope child, a scheduler's tracked task): the
 * group's {@link io.corepin.balance.LoadBalancer} is shown the user's task, so that a {@code keyHash} balancer routes
 * on what the user submitted, never on corepin's wrapper.
 */
interface WrapsTask {
    Runnable userTask();
}
