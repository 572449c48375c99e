package io.corepin;

/** The thread an {@link Exec} owns; lets {@link Exec#current()} find its Exec without a thread-local lookup. */
final class ExecThread extends Thread {
    final Exec exec;

    ExecThread(Exec exec, String name, boolean daemon) {
        super(name);
        this.exec = exec;
        setDaemon(daemon);
    }

    @Override
    public void run() {
        exec.loop().run();
    }
}
