package io.corepin;

/**
 * Receives what a task threw. Called on the Exec's own thread, right after the failed task; the Exec counts the
 * failure and goes on with its next task whatever the handler does (an exception thrown by the handler itself is
 * counted and logged, never propagated).
 */
@FunctionalInterface
public interface TaskErrorHandler {
    /**
     * @param exec the Exec the task ran on
     * @param task the task that threw
     * @param error what it threw (any {@link Throwable}, including {@link Error}s such as
     *     {@link StackOverflowError}; see {@link Exec} for the {@link OutOfMemoryError} policy)
     */
    void onError(Exec exec, Runnable task, Throwable error);

    /** The default: log at WARNING through {@code System.getLogger("io.corepin.Exec")}. */
    static TaskErrorHandler logging() {
        return (exec, task, error) -> System.getLogger("io.corepin.Exec")
            .log(System.Logger.Level.WARNING, exec.name() + ": task " + task + " threw", error);
    }
}
