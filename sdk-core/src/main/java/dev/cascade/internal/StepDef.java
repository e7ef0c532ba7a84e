package dev.cascade.internal;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;
import dev.cascade.api.StepKind;
import dev.cascade.config.RetrySpec;
import dev.cascade.rules.RuleSet;
import dev.cascade.spi.ModelClient;
import dev.cascade.spi.ReviewQueue;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/** A built step. Immutable; the builder makes these, the engine runs them. */
public sealed interface StepDef<I, O> {

    String name();

    StepKind kind();

    /** The step's options for {@code describe()}. */
    Map<String, String> policies();

    /**
     * A model step with its resolved policies. {@code timeoutNanos} is 0 when unset; {@code retrySpec}, {@code breaker},
     * {@code limiter} and {@code bulkhead} are {@code null} when unset. {@code stepModel} is the model name set on the step, or
     * {@code null} to ask the client on every call ({@link #model()}); {@code pricing} the step's own price, or
     * {@code null}.
     */
    record Model<I, O>(String name, ModelClient client, String stepModel, Pricing pricing, long timeoutNanos, RetrySpec retrySpec,
                       CircuitBreaker breaker, RateLimiter limiter, Bulkhead bulkhead,
                       Function<? super I, ModelRequest> prompt,
                       Function<? super ModelResponse, ? extends O> parse, Predicate<? super O> accept,
                       int maxOutputTokens, Map<String, String> policies) implements StepDef<I, O> {
        @Override
        public StepKind kind() {
            return StepKind.MODEL;
        }

        /** The model this call is for: the step's own name, else the client's (read each time); may be null. */
        public String model() {
            return stepModel != null ? stepModel : client.model();
        }
    }

    record Rules<I, O>(String name, RuleSet<I, O> rules, Map<String, String> policies) implements StepDef<I, O> {
        @Override
        public StepKind kind() {
            return StepKind.RULES;
        }
    }

    record Custom<I, O>(String name, Function<? super I, Optional<O>> function, Map<String, String> policies)
            implements StepDef<I, O> {
        @Override
        public StepKind kind() {
            return StepKind.CUSTOM;
        }
    }

    record Review<I, O>(String name, ReviewQueue<I, O> queue, Map<String, String> policies) implements StepDef<I, O> {
        @Override
        public StepKind kind() {
            return StepKind.HUMAN_REVIEW;
        }
    }
}
