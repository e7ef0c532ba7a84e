/**
 * What users plug into a chain: {@link dev.cascade.spi.ModelClient} (a model), {@link dev.cascade.spi.ReviewQueue}
 * (where the human step puts inputs), {@link dev.cascade.spi.CascadeListener} (events),
 * {@link dev.cascade.spi.FailureClassifier} (error mapping), {@link dev.cascade.spi.StepAdmission} (budgets),
 * {@link dev.cascade.spi.AttemptInterceptor} (the seam around every model attempt: caches, quotas, tracing context;
 * budgets and telemetry use it too) and {@link dev.cascade.spi.TimeSource} (time, for tests on virtual time).
 */
package dev.cascade.spi;
