package dev.cascade.examples.snippets;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.budget.Budget;
import dev.cascade.event.LateCompletion;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;

/**
 * Compiled snippets for the docs (engine and budgets pages): late completions, the half-open bound, warm-up and
 * "request never sent". Each tagged region is pasted into the docs as it is; the class itself is never run.
 */
final class EngineSafetySnippets {
    private EngineSafetySnippets() {
    }

    static Cascade<String, String> lateCompletionGrace(ModelClient advanced, ModelClient cheap, Budget budget) {
        // tag::late-completion-grace[]
        Cascade<String, String> chain = Cascade.<String, String>builder("support-triage")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s.timeout(Duration.ofSeconds(8)))
                .model("cheap", cheap, s -> s.timeout(Duration.ofSeconds(4)))
                .budget(budget)
                // A call abandoned at its timeout (or by a cancel) keeps its reservation until it really ends, then
                // is settled on what the provider reported. Still running after 2 minutes: its worst case is settled.
                .lateCompletionGrace(Duration.ofMinutes(2))
                .listener(new CascadeListener() {
                    @Override
                    public void onLateCompletion(LateCompletion e) {
                        // e.result(): ANSWERED, FAILED, GRACE_EXPIRED or ENDED_AFTER_GRACE; e.settled(): what was billed
                        System.out.printf("%s/%s attempt %d ended %s after giving up: %s, settled %s%n",
                                e.execution().chain(), e.step(), e.attempt(), e.after(), e.result(), e.settled());
                    }
                })
                .build();
        // end::late-completion-grace[]
        return chain;
    }

    static Cascade<String, String> halfOpenMaxWait(ModelClient advanced) {
        // tag::half-open-max-wait[]
        Cascade<String, String> chain = Cascade.<String, String>builder("support-triage")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s
                        .timeout(Duration.ofSeconds(8))
                        .circuitBreaker(cb -> cb
                                .openFor(Duration.ofSeconds(30))
                                .halfOpenCalls(3)
                                // trial calls that have not all reported after 20 s: open again (default 60 s)
                                .halfOpenMaxWait(Duration.ofSeconds(20))))
                .build();
        // end::half-open-max-wait[]
        return chain;
    }

    static void warmUp(Cascade<String, String> chain) throws Exception {
        // tag::warm-up[]
        // At startup: load classes and prepare each model client, without a billed request.
        List<String> problems = chain.warmUp().get(10, TimeUnit.SECONDS);
        problems.forEach(p -> System.err.println("warm-up failed for step " + p + "; the chain still works"));
        // end::warm-up[]
    }

    // tag::not-sent[]
    /** A client that knows when its request never left the process. */
    static final class PooledClient implements ModelClient {
        @Override
        public ModelResponse call(ModelRequest request) throws Exception {
            if (!acquireConnection()) {
                // Retried like any UNAVAILABLE, but not counted against the provider by the circuit breaker.
                throw ModelCallException.notSent(FailureKind.UNAVAILABLE, "no pooled connection free", null);
            }
            return send(request);
        }

        @Override
        public void warmUp() {
            acquireConnection(); // open the connection now, not on the first user request
        }

        private boolean acquireConnection() {
            return true; // your HTTP client's pool
        }

        private ModelResponse send(ModelRequest request) {
            return ModelResponse.of("answer", dev.cascade.api.Usage.of(1, 1)); // your HTTP call
        }
    }
    // end::not-sent[]
}
