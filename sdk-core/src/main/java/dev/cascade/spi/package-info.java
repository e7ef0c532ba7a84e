/**
 * What users plug into a chain: {@link dev.cascade.spi.ModelClient} (a model), {@link dev.cascade.spi.ReviewQueue}
 * (where the human step puts inputs), {@link dev.cascade.spi.CascadeListener} (events),
 * {@link dev.cascade.spi.FailureClassifier} (error mapping), {@link dev.cascade.spi.StepAdmission} (budgets),
 * {@link dev.cascade.spi.AttemptInterceptor} (the seam around every model attempt: caches, quotas, tracing context;
 * budgets and telemetry use it too) and {@link dev.cascade.spi.TimeSource} (time, for tests on virtual time); and
 * {@link dev.cascade.spi.Events}, the fan-out that calls listeners the way the engine does, for plug-ins that report
 * events of their own.
 *
 * <p>Depends only on {@code dev.cascade.api} and {@code dev.cascade.event} (a test checks it). Helpers for adapter
 * authors are in {@code dev.cascade.adapter}.
 */
package dev.cascade.spi;
