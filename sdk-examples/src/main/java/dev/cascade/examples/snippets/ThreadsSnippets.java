package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.config.BulkheadSpec;
import dev.cascade.spi.ModelClient;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;

import java.time.Duration;
import java.util.concurrent.ExecutorService;

/** Compiled examples for the docs (engine page): bulkheads, and the threads a chain runs on. Not run. */
final class ThreadsSnippets {
    private ThreadsSnippets() {
    }

    static Cascade<String, String> bulkhead(ModelClient advanced, ModelClient cheap) {
        // tag::bulkhead[]
        Cascade<String, String> chain = Cascade.<String, String>builder("support-triage")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .model("advanced", advanced, s -> s
                        .timeout(Duration.ofSeconds(8))
                        // At most 50 calls of this step in flight; the 51st skips to "cheap" at once (BULKHEAD_FULL).
                        // A call abandoned at its timeout counts until the client really returns.
                        .bulkhead(b -> b.maxConcurrentCalls(50)))
                .model("cheap", cheap, s -> s.timeout(Duration.ofSeconds(4)))
                .build();
        // end::bulkhead[]
        return chain;
    }

    static void sharedBulkhead(ModelClient gpt4o, CascadeRegistries registries) {
        // tag::bulkhead-shared[]
        // One immutable spec for many steps; chains on the same registries and resource share one bulkhead.
        BulkheadSpec openAiAccount = BulkheadSpec.custom().maxConcurrentCalls(100).build();
        Cascade<String, String> triage = Cascade.<String, String>builder("triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text).registries(registries)
                .model("gpt-4o", gpt4o, s -> s.resourceName("openai/gpt-4o").bulkhead(openAiAccount))
                .build();
        Cascade<String, String> summaries = Cascade.<String, String>builder("summaries")
                .prompt(ModelRequest::of).parse(ModelResponse::text).registries(registries)
                .model("gpt-4o", gpt4o, s -> s.resourceName("openai/gpt-4o").bulkhead(openAiAccount))
                .build();
        // end::bulkhead-shared[]
        triage.describe();
        summaries.describe();
    }

    static Cascade<String, String> ownBulkhead(ModelClient advanced) {
        // tag::bulkhead-own[]
        // The application's own resilience4j bulkhead, shared with its other calls to the same provider.
        // Keep maxWaitDuration at zero: Cascade asks it with tryAcquirePermission().
        Bulkhead openAi = Bulkhead.of("openai", BulkheadConfig.custom()
                .maxConcurrentCalls(200).maxWaitDuration(Duration.ZERO).build());
        Cascade<String, String> chain = Cascade.<String, String>builder("support-triage")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", advanced, s -> s.bulkhead(openAi))
                .build();
        // end::bulkhead-own[]
        return chain;
    }

    static void threads(ModelClient advanced, ExecutorService mine) {
        // tag::threads[]
        // Default: virtual threads on JDK 21+, bounded platform threads on 17-20. Opt out of virtual threads:
        Cascade<String, String> platform = Cascade.<String, String>builder("platform-only")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", advanced, s -> s.timeout(Duration.ofSeconds(8)))
                .virtualThreads(false)
                .build();
        // Or bring your own executor: it runs both executeAsync and the timed calls' hand-offs.
        Cascade<String, String> own = Cascade.<String, String>builder("own-executor")
                .prompt(ModelRequest::of).parse(ModelResponse::text)
                .model("advanced", advanced, s -> s.timeout(Duration.ofSeconds(8)))
                .executor(mine)
                .build();
        // end::threads[]
        platform.describe();
        own.describe();
    }
}
