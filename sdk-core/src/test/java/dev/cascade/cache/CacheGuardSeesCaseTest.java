package dev.cascade.cache;

import dev.cascade.Cascade;
import dev.cascade.api.CacheLookup;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.testing.ScriptedModel;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Regression: the semantic lookup gave the guard the lower-cased key texts, so {@link LexicalGuards}' entity check
 * (capitalised words not opening a sentence) never fired and "... with Notion?" could be served the answer stored for
 * "... with Evernote?". The guard now sees both inputs with their case; exact keys still ignore case.
 */
class CacheGuardSeesCaseTest {

    private static final double THRESHOLD = 0.8;

    private final VirtualTime time = new VirtualTime();
    private final ScriptedModel model = ScriptedModel.answering("m", "the answer");
    private final InMemoryCacheStore<String> store = InMemoryCacheStore.create(100, time);
    private final Cascade<String, String> chain = Cascade.<String, String>builder("support")
            .prompt(in -> ModelRequest.of("You help.", in)).parse(ModelResponse::text).timeSource(time)
            .model("m", model)
            .cache(c -> c.store(store).embeddingModel(TestEmbeddings.bagOfWords()).similarityThreshold(THRESHOLD))
            .build();

    private Outcome<String> ask(String input, boolean async) {
        return async ? chain.executeAsync(input).join() : chain.execute(input);
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void anotherProductNamedInTheSameWordsIsRefusedByTheEntityCheck(boolean async) {
        ask("Can I sync my notes with Evernote?", async);
        Outcome<String> other = ask("Can I sync my notes with Notion?", async);

        assertThat(other.cacheHit()).isEmpty();
        assertThat(other.answeredBy()).contains("m");
        CacheLookup lookup = other.cacheLookup().orElseThrow();
        assertThat(lookup.bestSimilarity()).isGreaterThanOrEqualTo(THRESHOLD); // the embedding alone would serve it
        assertThat(lookup.refusedBy()).isEqualTo(LexicalGuards.ENTITY);
        assertThat(model.calls()).isEqualTo(2);
        assertThat(chain.cache().orElseThrow().stats().guardRefusals()).isEqualTo(1);
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void theSameProductWithAnotherCaseAtTheSentenceStartStillHits(boolean async) {
        ask("Can I sync my notes with Evernote?", async);
        // "can" opens the sentence, so its case says nothing; "Evernote" is the same entity.
        Outcome<String> paraphrase = ask("can I sync all my notes with Evernote", async);

        assertThat(paraphrase.cacheHit()).get().satisfies(h -> {
            assertThat(h.exact()).isFalse();
            assertThat(h.similarity()).isBetween(THRESHOLD, 0.9999);
        });
        assertThat(paraphrase.cacheLookup().orElseThrow().refusedBy()).isNull();
        assertThat(model.calls()).isEqualTo(1);
    }

    @ParameterizedTest(name = "async={0}")
    @ValueSource(booleans = {false, true})
    void anExactHitStillIgnoresCase(boolean async) {
        ask("Can I sync my notes with Evernote?", async);
        // Lower-cased, the entity check would refuse this as a semantic candidate: the exact key never asks it.
        Outcome<String> same = ask("can i  sync my notes with EVERNOTE?", async);

        assertThat(same.cacheHit()).get().satisfies(h -> assertThat(h.exact()).isTrue());
        assertThat(model.calls()).isEqualTo(1);
    }

    @Test
    void theStoredEntryKeepsTheInputWithItsCase() {
        chain.execute("  Can I sync my notes\twith  Evernote?");
        CacheKey key = chain.cache().orElseThrow().keyOf("can i sync my notes with evernote?",
                dev.cascade.api.CallContext.empty()).orElseThrow();

        CacheEntry<String> entry = store.get(key, time.now()).orElseThrow();
        assertThat(entry.key().input()).isEqualTo("can i sync my notes with evernote?");
        assertThat(entry.inputText()).isEqualTo("Can I sync my notes with Evernote?");
    }

    @Test
    void normalisingKeepingCaseIsTheKeyTextBeforeLowerCasing() {
        String typed = "  Ｅｘｐｏｒｔ\u00a0 to\n\nDropbox ";
        assertThat(ResponseCache.normaliseKeepingCase(typed)).isEqualTo("Export to Dropbox");
        assertThat(ResponseCache.normalise(typed)).isEqualTo("export to dropbox");
        assertThat(ResponseCache.normaliseKeepingCase("export to dropbox")).isEqualTo("export to dropbox");
    }

    @Test
    void anEntryWhoseTextIsNotItsKeysInputIsRejected() {
        CacheKey key = new CacheKey(new CacheScope("c", null, "ns", "cfg"), "export to dropbox");
        assertThatThrownBy(() -> new CacheEntry<>(key, "Export to Google Drive", "a", null, null,
                dev.cascade.api.Money.ofMicros(1), "m", time.now(), time.now().plusSeconds(60)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inputText")
                .hasMessageNotContaining("Drive");
    }
}
