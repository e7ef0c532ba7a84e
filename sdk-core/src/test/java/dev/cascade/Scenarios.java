package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.Outcome;
import dev.cascade.event.Alert;
import dev.cascade.event.ExecutionFinished;
import dev.cascade.spi.CascadeListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Shared helpers for the scenario tests: the two entry points, a readable trace of an outcome, an event recorder. */
final class Scenarios {
    private Scenarios() {
    }

    /** The two public entry points every scenario runs through. */
    enum Entry {
        EXECUTE,
        EXECUTE_ASYNC;

        <I, O> Outcome<O> run(Cascade<I, O> chain, I input) {
            return run(chain, input, CallContext.empty());
        }

        <I, O> Outcome<O> run(Cascade<I, O> chain, I input, CallContext context) {
            if (this == EXECUTE) {
                return chain.execute(input, context);
            }
            try {
                // Generous: on virtual time a scenario takes microseconds; this only bounds a broken engine.
                return chain.executeAsync(input, context).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError("executeAsync failed", e.getCause());
            } catch (InterruptedException | TimeoutException e) {
                throw new AssertionError("executeAsync did not complete", e);
            }
        }
    }

    /**
     * One line per attempt: {@code step#number STATUS [KIND]}, e.g. {@code advanced#2 FAILED RATE_LIMITED} or
     * {@code cheap#0 SKIPPED BARRED}. Lets a test state the whole story of an execution in one assertion.
     */
    static List<String> trace(Outcome<?> outcome) {
        return outcome.attempts().stream().map(Scenarios::line).toList();
    }

    static String line(Attempt a) {
        return a.step() + "#" + a.number() + " " + a.status() + (a.failure() == null ? "" : " " + a.failure());
    }

    /** Records alerts and finished executions. Thread-safe. */
    static final class Recorder implements CascadeListener {
        final List<Alert> alerts = new CopyOnWriteArrayList<>();
        final List<Outcome<?>> finished = new CopyOnWriteArrayList<>();

        @Override
        public void onAlert(Alert event) {
            alerts.add(event);
        }

        @Override
        public void onExecutionFinished(ExecutionFinished event) {
            finished.add(event.outcome());
        }

        List<String> alertLines() {
            return alerts.stream().map(a -> a.step() + " " + a.kind()).toList();
        }
    }
}
