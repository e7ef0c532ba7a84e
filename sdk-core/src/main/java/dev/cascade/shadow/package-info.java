/**
 * Shadow candidates: a sampled share of a chain's live executions is sent, after the caller has its outcome, to a
 * candidate model in the background, and the candidate's parsed answer is compared with the answer the chain returned.
 * The agreement rate, cost and latency per candidate are the evidence that a cheaper model can move up the chain.
 * Configure one with {@link dev.cascade.CascadeBuilder#shadow}; read it with {@link dev.cascade.Cascade#shadows()}.
 */
package dev.cascade.shadow;
