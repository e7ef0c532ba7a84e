/**
 * Evaluation of Cascade chains: run a labelled {@link dev.cascade.eval.Dataset} through one chain or several variants
 * side by side ({@link dev.cascade.eval.Evaluation}), score the answers ({@link dev.cascade.eval.Scorer},
 * {@link dev.cascade.eval.Scorers}), keep a history of runs and check them for drift
 * ({@link dev.cascade.eval.DriftCheck}, {@link dev.cascade.eval.ContinuousValidation}), and show the savings to the
 * people who pay for them ({@link dev.cascade.eval.RoiReport}, written as {@code roi.json} and a self-contained
 * {@code roi.html} by {@link dev.cascade.eval.RoiReportWriter} or the {@link dev.cascade.eval.RoiCommand} command line).
 *
 * <p>Artifact {@code dev.cascade:cascade-eval}; depends on {@code cascade-core} and Jackson 3 only.
 */
package dev.cascade.eval;
