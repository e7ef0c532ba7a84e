package dev.cascade.examples.cache;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;
import dev.cascade.api.Usage;
import dev.cascade.budget.Budget;
import dev.cascade.cache.CacheStore;
import dev.cascade.cache.EmbeddingModel;
import dev.cascade.cache.MatchGuard;
import dev.cascade.spi.ModelClient;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The chain the cache evaluation runs through: one priced model step (a simulated {@code gpt-4o}: $2.50 / $10.00 per
 * 1M input / output tokens) whose answer names the question it answers, behind the real response cache.
 */
final class EvalChains {
    static final String CHAIN = "support-faq";
    static final String SYSTEM = "You answer customer support questions for an online shop. Be brief.";

    private EvalChains() {
    }

    /** A simulated model: the answer is {@code answer:<label>} of the question; tokens from the text's length. */
    static final class SimulatedModel implements ModelClient {
        private final Function<String, String> label;
        final LongAdder calls = new LongAdder();

        SimulatedModel(Function<String, String> label) {
            this.label = label;
        }

        @Override
        public ModelResponse call(ModelRequest request) {
            calls.increment();
            String q = request.user();
            long input = 40 + (SYSTEM.length() + q.length()) / 4;
            return ModelResponse.of("answer:" + label.apply(q), Usage.of(input, 180));
        }

        @Override
        public String provider() {
            return "openai";
        }

        @Override
        public String model() {
            return "gpt-4o";
        }
    }

    /**
     * A chain with the cache in {@code namespace} on {@code store} (shared between chains to prove isolation), or
     * with no cache when {@code embeddings} and {@code store} are null.
     */
    static Cascade<String, String> chain(SimulatedModel model, String namespace, CacheStore<String> store,
                                         EmbeddingModel embeddings, double threshold, MatchGuard guard) {
        var b = Cascade.<String, String>builder(CHAIN)
                .prompt(q -> ModelRequest.of(SYSTEM, q))
                .parse(ModelResponse::text)
                .model("advanced", model, s -> s.pricing(Pricing.perMillionTokens("2.50", "10.00")))
                // a budget far above what the run spends: it is what prices each execution (Outcome.cost)
                .budget(Budget.builder().perDay("1000000.00").build());
        if (store != null) {
            b.cache(c -> {
                c.namespace(namespace).store(store).similarityThreshold(threshold).guard(guard);
                if (embeddings != null) {
                    c.embeddingModel(embeddings);
                }
            });
        }
        return b.build();
    }
}
