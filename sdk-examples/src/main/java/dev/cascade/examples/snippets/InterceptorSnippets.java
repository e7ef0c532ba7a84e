package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.spi.AttemptInterceptor;
import dev.cascade.spi.AttemptResult;
import dev.cascade.spi.ModelClient;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Compiled examples for the docs (engine page): attempt interceptors. Not run. */
final class InterceptorSnippets {
    private InterceptorSnippets() {
    }

    // tag::interceptor-cache[]
    /** Answers repeated prompts from memory; a miss calls the model and keeps its answer. */
    static final class ExactCache implements AttemptInterceptor {
        private final Map<String, ModelResponse> answers = new ConcurrentHashMap<>();

        @Override
        public AttemptResult intercept(Invocation invocation) {
            String key = invocation.step() + "\u0000" + invocation.request().user();
            ModelResponse hit = answers.get(key);
            if (hit != null) {
                return AttemptResult.answered(hit); // parsed, gated and recorded like a model's answer
            }
            AttemptResult result = invocation.proceed(invocation.request());
            if (result.kind() == AttemptResult.Kind.ANSWERED) {
                answers.put(key, result.response());
            }
            return result;
        }
    }
    // end::interceptor-cache[]

    // tag::interceptor-refuse[]
    /** Skips model steps for tenants that used up their quota: the chain falls through to rules and review. */
    static AttemptInterceptor quota(Set<String> exhaustedTenants) {
        return invocation -> invocation.context().tenant()
                .filter(exhaustedTenants::contains)
                .map(tenant -> AttemptResult.refused(FailureKind.NO_PERMIT, "tenant quota used up"))
                .orElseGet(() -> invocation.proceed(invocation.request()));
    }
    // end::interceptor-refuse[]

    // tag::interceptor-wrap[]
    static final ContextKey<String> TENANT = ContextKey.named("tenant");

    /** Makes the tenant current around the call: the client sees it, even on the pool thread of a timed call. */
    static final AttemptInterceptor TENANT_CONTEXT = invocation -> {
        String tenant = invocation.context().tenant().orElse("none");
        try (Scope ignored = Context.current().with(TENANT, tenant).makeCurrent()) {
            return invocation.proceed(invocation.request());
        }
    };
    // end::interceptor-wrap[]

    static Cascade<String, String> chain(ModelClient advanced, ModelClient cheap) {
        // tag::interceptor-register[]
        Cascade<String, String> chain = Cascade.<String, String>builder("support-triage")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", advanced)
                .model("cheap", cheap)
                .intercept(quota(Set.of("acme")))  // outermost of the two (a budget would be outside both)
                .intercept(new ExactCache())
                .build();
        // end::interceptor-register[]
        return chain;
    }
}
