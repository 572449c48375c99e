package io.corepin;

/** Messages along a cause chain, for assertions that must hold on every JDK the build runs on. */
final class Causes {
    private Causes() {
    }

    /**
     * The messages of {@code t} and its causes, joined by {@code " <- "}. From JDK 23, {@code CompletableFuture}'s
     * {@code get} and {@code join} throw a new {@code CancellationException} (message "get" or "join", the caller's
     * stack) whose cause is the one the future was completed with, so corepin's text is one cause down there.
     */
    static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (b.length() > 0) {
                b.append(" <- ");
            }
            b.append(c.getMessage());
        }
        return b.toString();
    }
}
