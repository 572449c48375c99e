package io.corepin;

/** The thread an {@link Exec} owns; lets {@link Exec#current()} find its Exec without a thread-local lookup. */
final class ExecThread extends Thread {
    final Exec exec;
    /**
     * The Exec a {@link Exec#blockOn} on this thread nests while it runs (the innermost), or null. Only this thread
     * reads and writes it: plain.
     */
    private Exec nested;

    ExecThread(Exec exec, String name, boolean daemon) {
        super(name);
        this.exec = exec;
        setDaemon(daemon);
    }

    /** The Exec this thread runs now: the innermost nested one, else its own. This thread only. */
    Exec current() {
        final Exec n = nested;
        return n != null ? n : exec;
    }

    /** Sets the innermost nested Exec (null: none); returns the one it replaces. This thread only. */
    Exec nest(Exec innermost) {
        final Exec previous = nested;
        nested = innermost;
        return previous;
    }

    @Override
    public void run() {
        exec.loop().run();
    }
}
