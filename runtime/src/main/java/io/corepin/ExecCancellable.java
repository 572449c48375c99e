package io.corepin;

/**
 * A timer task that wants to know when its Exec, rather than its owner, cancelled the timer (a shutdown cancelling a
 * periodic timer, {@code shutdownNow} cancelling a sleep): it completes its future so that nobody waits forever.
 * Called on the Exec's thread.
 */
interface ExecCancellable {
    void cancelledByExec();
}
