package dev.cascade.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A future whose {@code cancel} interrupts the thread running the execution (a plain {@link CompletableFuture}
 * cannot), which in turn interrupts the in-flight model call.
 */
final class ExecutionFuture<T> extends CompletableFuture<T> {
    private Thread runner;
    /** Read by the execution: a client may swallow the interrupt, this flag it cannot. */
    final AtomicBoolean cancelRequested = new AtomicBoolean();

    void runAs(Supplier<T> body) {
        synchronized (this) {
            if (isDone()) {
                return;
            }
            runner = Thread.currentThread();
        }
        try {
            complete(body.get());
        } catch (Throwable t) {
            completeExceptionally(t);
        } finally {
            synchronized (this) {
                runner = null;
            }
            // The pool thread must not carry our interrupt into its next task.
            Thread.interrupted();
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            cancelRequested.set(true);
            synchronized (this) {
                if (runner != null) {
                    runner.interrupt();
                }
            }
        }
        return cancelled;
    }
}
