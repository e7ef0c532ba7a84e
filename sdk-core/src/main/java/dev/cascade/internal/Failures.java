package dev.cascade.internal;

import dev.cascade.spi.ModelCallException;

/** How the engine treats throwables from user code and clients. */
final class Failures {
    private static final int MAX_REASON = 200;

    private Failures() {
    }

    /**
     * Rethrows the errors that mean the JVM itself is failing (out of memory, stack overflow, internal error). Every
     * other throwable from user code, {@code Error}s included, is that hook's failure and is recorded like a
     * {@code RuntimeException}: an {@code AssertionError} or {@code ExceptionInInitializerError} in a mapper is a bug
     * in one hook, and the chain's promise (the input still reaches the rules and the review step) holds for it.
     */
    static void rethrowFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    /** A reason for an attempt: a ModelCallException's message (written for this), else the type and message. */
    static String describe(Throwable e) {
        String msg = e.getMessage();
        String s = e instanceof ModelCallException && msg != null ? msg
                : e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        return s.length() > MAX_REASON ? s.substring(0, MAX_REASON) + "..." : s;
    }
}
