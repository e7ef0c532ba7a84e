package dev.cascade.examples.outage;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;

/** Helps hand-written strategies tell "the model failed" from "this thread was told to stop". */
final class Interrupts {
    private Interrupts() {
    }

    /**
     * Throws {@link InterruptedException} when {@code e} is an interruption or the thread's interrupt flag is set;
     * otherwise returns, and the caller treats {@code e} as a model failure.
     */
    static void rethrowIfInterrupted(Exception e) throws InterruptedException {
        if (e instanceof InterruptedException ie) {
            throw ie;
        }
        // A read timeout is an InterruptedIOException too, but it is the model failing, not this thread stopping.
        boolean interruptedIo = e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException);
        if (Thread.interrupted() || interruptedIo) {
            InterruptedException ie = new InterruptedException("interrupted during a model call");
            ie.initCause(e);
            throw ie;
        }
    }
}
