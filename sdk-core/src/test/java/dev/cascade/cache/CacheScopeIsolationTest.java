package dev.cascade.cache;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.Outcome;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache never serves an answer across a scope: tenant, namespace, system prompt, request parameters, output cap
 * and model. Each test stores an answer in one scope and then tries to read it from the other, with an exact match
 * (the same input) and with a semantic match (an embedding model under which every input matches every other), on
 * one shared store, so only the key can keep them apart.
 */
class CacheScopeIsolationTest {

    private final VirtualTime time = new VirtualTime();
    private final InMemoryCacheStore<String> store = InMemoryCacheStore.create(1000, time);

    private Cascade<String, String> chain(ScriptedModel model, Function<String, ModelRequest> prompt,
                                          String namespace, boolean semantic) {
        return Cascade.<String, String>builder("support")
                .prompt(prompt::apply)
                .parse(r -> r.text())
                .model("cheap", model)
                .timeSource(time)
                .cache(c -> {
                    c.store(store).namespace(namespace);
                    if (semantic) {
                        c.embeddingModel(TestEmbeddings.everythingMatches()).similarityThreshold(0.5);
                    }
                })
                .build();
    }

    private static Function<String, ModelRequest> system(String text) {
        return in -> ModelRequest.of(text, in);
    }

    /** The first question, then the second: the second must not be served the first's answer. */
    private static void assertSecondMisses(Cascade<String, String> first, Cascade<String, String> second,
                                           CallContext firstContext, CallContext secondContext, String input2,
                                           ScriptedModel secondModel) {
        Outcome<String> stored = first.execute("How do I reset my password?", firstContext);
        assertThat(stored.cacheLookup()).get().extracting(l -> l.stored()).isEqualTo("stored");
        int calls = secondModel.calls();
        Outcome<String> other = second.execute(input2, secondContext);
        assertThat(other.cacheHit()).isEmpty();
        assertThat(other.answeredBy()).contains("cheap");
        assertThat(secondModel.calls()).isEqualTo(calls + 1);
    }

    @ParameterizedTest(name = "semantic={0}")
    @ValueSource(booleans = {false, true})
    void anotherTenantNeverReadsATenantsAnswer(boolean semantic) {
        ScriptedModel model = ScriptedModel.answering("m", "answer for acme");
        Cascade<String, String> c = chain(model, system("You help."), "v1", semantic);
        String input2 = semantic ? "I forgot my password" : "How do I reset my password?";
        assertSecondMisses(c, c, CallContext.empty().withTenant("acme"), CallContext.empty().withTenant("globex"),
                input2, model);
        // No tenant is a scope of its own: neither acme's nor globex's answer reaches it.
        int calls = model.calls();
        assertThat(c.execute(input2, CallContext.empty()).cacheHit()).isEmpty();
        assertThat(model.calls()).isEqualTo(calls + 1);
        // ... and within the tenant, it hits.
        Outcome<String> again = c.execute(input2, CallContext.empty().withTenant("acme"));
        assertThat(again.answeredBy()).contains("cache");
        assertThat(again.cacheHit()).get().satisfies(h -> assertThat(h.exact()).isEqualTo(!semantic));
    }

    @ParameterizedTest(name = "semantic={0}")
    @ValueSource(booleans = {false, true})
    void anotherNamespaceNeverReadsTheAnswer(boolean semantic) {
        ScriptedModel model = ScriptedModel.answering("m", "v1 answer");
        Cascade<String, String> v1 = chain(model, system("You help."), "v1", semantic);
        Cascade<String, String> v2 = chain(model, system("You help."), "v2", semantic);
        assertSecondMisses(v1, v2, CallContext.empty(), CallContext.empty(),
                semantic ? "password forgotten" : "How do I reset my password?", model);
    }

    @ParameterizedTest(name = "semantic={0}")
    @ValueSource(booleans = {false, true})
    void anotherSystemPromptNeverReadsTheAnswer(boolean semantic) {
        ScriptedModel model = ScriptedModel.answering("m", "answer");
        Cascade<String, String> polite = chain(model, system("Answer politely."), "v1", semantic);
        Cascade<String, String> french = chain(model, system("Answer in French."), "v1", semantic);
        assertSecondMisses(polite, french, CallContext.empty(), CallContext.empty(),
                semantic ? "password forgotten" : "How do I reset my password?", model);
    }

    @ParameterizedTest(name = "semantic={0}")
    @ValueSource(booleans = {false, true})
    void anotherTemperatureNeverReadsTheAnswer(boolean semantic) {
        ScriptedModel model = ScriptedModel.answering("m", "answer");
        Cascade<String, String> cold = chain(model, in -> ModelRequest.of("S", in)
                .withOptions(Map.of("temperature", "0.0")), "v1", semantic);
        Cascade<String, String> hot = chain(model, in -> ModelRequest.of("S", in)
                .withOptions(Map.of("temperature", "1.2")), "v1", semantic);
        assertSecondMisses(cold, hot, CallContext.empty(), CallContext.empty(),
                semantic ? "password forgotten" : "How do I reset my password?", model);
    }

    @ParameterizedTest(name = "semantic={0}")
    @ValueSource(booleans = {false, true})
    void anotherResponseFormatOrToolsOptionNeverReadsTheAnswer(boolean semantic) {
        ScriptedModel model = ScriptedModel.answering("m", "answer");
        Cascade<String, String> text = chain(model, in -> ModelRequest.of("S", in), "v1", semantic);
        Cascade<String, String> json = chain(model, in -> ModelRequest.of("S", in)
                .withOptions(Map.of("response_format", "json_object", "tools", "lookup_order")), "v1", semantic);
        assertSecondMisses(text, json, CallContext.empty(), CallContext.empty(),
                semantic ? "password forgotten" : "How do I reset my password?", model);
    }

    @ParameterizedTest(name = "semantic={0}")
    @ValueSource(booleans = {false, true})
    void anotherOutputCapNeverReadsTheAnswer(boolean semantic) {
        ScriptedModel model = ScriptedModel.answering("m", "answer");
        Cascade<String, String> shortCap = chain(model, in -> ModelRequest.of("S", in).withMaxOutputTokens(50),
                "v1", semantic);
        Cascade<String, String> longCap = chain(model, in -> ModelRequest.of("S", in).withMaxOutputTokens(500),
                "v1", semantic);
        assertSecondMisses(shortCap, longCap, CallContext.empty(), CallContext.empty(),
                semantic ? "password forgotten" : "How do I reset my password?", model);
    }

    @ParameterizedTest(name = "semantic={0}")
    @ValueSource(booleans = {false, true})
    void anotherModelNeverReadsTheAnswer(boolean semantic) {
        ScriptedModel small = ScriptedModel.answering("gpt-4o-mini", "small answer");
        ScriptedModel large = ScriptedModel.answering("gpt-4o", "large answer");
        Cascade<String, String> a = chain(small, system("S"), "v1", semantic);
        Cascade<String, String> b = chain(large, system("S"), "v1", semantic);
        assertSecondMisses(a, b, CallContext.empty(), CallContext.empty(),
                semantic ? "password forgotten" : "How do I reset my password?", large);
    }

    @Test
    void theSameScopeHitsOnANormalisedInputWithoutCallingTheModel() {
        ScriptedModel model = ScriptedModel.answering("m", "reset it here");
        Cascade<String, String> c = chain(model, system("S"), "v1", false);
        c.execute("How do I reset my password?");
        Outcome<String> hit = c.execute("  how do I   RESET my password?\t");
        assertThat(hit.answer()).contains("reset it here");
        assertThat(hit.answeredBy()).contains("cache");
        assertThat(hit.attempts()).isEmpty();
        assertThat(hit.cacheHit()).get().satisfies(h -> {
            assertThat(h.exact()).isTrue();
            assertThat(h.similarity()).isEqualTo(1.0);
            assertThat(h.originalStep()).isEqualTo("cheap");
        });
        assertThat(model.calls()).isEqualTo(1);
    }

    @Test
    void normalisationFoldsCaseWidthAndWhitespaceOnly() {
        assertThat(ResponseCache.normalise("  Ｒｅｓｅｔ\u00a0 My\n\nPassword ")).isEqualTo("reset my password");
        assertThat(ResponseCache.normalise("reset my password")).isEqualTo("reset my password");
        assertThat(ResponseCache.normalise("order 1234")).isNotEqualTo(ResponseCache.normalise("order 5678"));
        assertThat(ResponseCache.normalise("")).isEmpty();
        assertThat(ResponseCache.normalise(" \t ")).isEmpty();
    }
}
