/**
 * What users plug into a chain: {@link dev.cascade.spi.ModelClient} (a model), {@link dev.cascade.spi.ReviewQueue}
 * (where the human step puts inputs), {@link dev.cascade.spi.CascadeListener} (events),
 * {@link dev.cascade.spi.FailureClassifier} (error mapping), {@link dev.cascade.spi.StepAdmission} (budgets) and
 * {@link dev.cascade.spi.TimeSource} (time, for tests on virtual time).
 */
package dev.cascade.spi;
