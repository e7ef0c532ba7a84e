package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.Outcome;
import dev.cascade.cache.CacheSpec;
import dev.cascade.cache.EmbeddingModel;
import dev.cascade.cache.InMemoryCacheStore;
import dev.cascade.cache.JdbcCacheStore;
import dev.cascade.cache.MatchGuard;
import dev.cascade.cache.ResponseCache;

/**
 * {@code cascade.chains.<name>.cache.*} configures the chain's response cache from YAML; the store, embedding model
 * and guard beans come from the context; bad values and unknown keys stop startup naming the property.
 */
class CachePropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withUserConfiguration(Models.class);

    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        TestModel gpt() {
            return TestModel.answering("gpt-4o", "Use the reset link.");
        }

        @Bean
        EmbeddingModel words() {
            return new EmbeddingModel() {
                @Override
                public String id() {
                    return "words";
                }

                @Override
                public int dimensions() {
                    return 32;
                }

                @Override
                public float[] embed(String text) {
                    float[] v = new float[32];
                    for (String w : text.toLowerCase(Locale.ROOT).split("\\W+")) {
                        if (!w.isEmpty()) {
                            v[Math.floorMod(w.hashCode(), 32)] += 1;
                        }
                    }
                    return v;
                }
            };
        }

        @Bean
        MatchGuard numbers() {
            return (a, b) -> a.replaceAll("\\D", "").equals(b.replaceAll("\\D", "")) ? Optional.empty()
                    : Optional.of("numbers differ");
        }
    }

    private static DataSource h2(String name) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    @Test
    void aYamlCacheIsBuiltWithEveryPropertyAndServesRepeatsFromTheDatabase() {
        runner.withInitializer(UnknownKeysTest.file("cache/cache.yml"))
                .withBean(DataSource.class, () -> h2("cache-yaml")).run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Cascade<String, String> faq = ctx.getBean(CascadeChains.class).get("faq");
                    ResponseCache<String, String> cache = faq.cache().orElseThrow();
                    CacheSpec<String, String> spec = cache.spec();
                    assertThat(spec.namespace()).isEqualTo("faq-v3");
                    assertThat(spec.ttl()).isEqualTo(Duration.ofHours(12));
                    assertThat(spec.maxEntries()).isEqualTo(5000);
                    assertThat(spec.maxEntryBytes()).isEqualTo(16 * 1024);
                    assertThat(spec.similarityThreshold()).isEqualTo(0.9);
                    assertThat(spec.semanticScanLimit()).isEqualTo(200);
                    assertThat(spec.cacheReviewedAnswers()).isTrue();
                    assertThat(spec.embeddingModel()).isSameAs(ctx.getBean("words"));
                    assertThat(spec.guard()).isSameAs(ctx.getBean("numbers"));
                    assertThat(cache.store()).isInstanceOf(JdbcCacheStore.class);

                    TestModel gpt = ctx.getBean(TestModel.class);
                    CallContext acme = CallContext.empty().withTenant("acme");
                    faq.execute("How do I reset my password?", acme);
                    Outcome<String> hit = faq.execute("how do I reset my password?", acme);
                    assertThat(hit.answeredBy()).contains("cache");
                    assertThat(hit.answer()).contains("Use the reset link.");
                    assertThat(gpt.calls.get()).isEqualTo(1);
                    // Another tenant: never served acme's answer.
                    assertThat(faq.execute("How do I reset my password?", CallContext.empty().withTenant("b"))
                            .cacheHit()).isEmpty();
                    assertThat(gpt.calls.get()).isEqualTo(2);
                });
    }

    @Test
    void withNoStorePropertyTheCacheIsInMemoryAndTheOnlyEmbeddingModelBeanIsUsed() {
        runner.withPropertyValues("cascade.chains.faq.steps[0].model=gpt",
                "cascade.chains.faq.cache.namespace=v1").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    ResponseCache<String, String> cache = ctx.getBean(CascadeChains.class).get("faq").cache()
                            .orElseThrow();
                    assertThat(cache.store()).isInstanceOf(InMemoryCacheStore.class);
                    assertThat(cache.spec().embeddingModel()).isSameAs(ctx.getBean("words"));
                    assertThat(cache.spec().ttl()).isEqualTo(CacheSpec.DEFAULT_TTL);
                });
    }

    @Test
    void enabledFalseBuildsTheChainWithoutACache() {
        runner.withPropertyValues("cascade.chains.faq.steps[0].model=gpt",
                "cascade.chains.faq.cache.enabled=false").run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(CascadeChains.class).get("faq").cache()).isEmpty();
                });
    }

    @Test
    void aBadThresholdNamesTheProperty() {
        FailureAnalysis a = StartupFailures.analysisOf(runner.withPropertyValues(
                "cascade.chains.faq.steps[0].model=gpt", "cascade.chains.faq.cache.similarity-threshold=1.5"));
        assertThat(a.getDescription()).contains("cascade.chains.faq.cache.similarity-threshold").contains("1.5");
    }

    @Test
    void aBadTtlNamesTheProperty() {
        FailureAnalysis a = StartupFailures.analysisOf(runner.withPropertyValues(
                "cascade.chains.faq.steps[0].model=gpt", "cascade.chains.faq.cache.ttl=0s"));
        assertThat(a.getDescription()).contains("cascade.chains.faq.cache.ttl");
    }

    @Test
    void aZeroEntrySizeNamesTheProperty() {
        FailureAnalysis a = StartupFailures.analysisOf(runner.withPropertyValues(
                "cascade.chains.faq.steps[0].model=gpt", "cascade.chains.faq.cache.max-entry-size=0B"));
        assertThat(a.getDescription()).contains("cascade.chains.faq.cache.max-entry-size");
    }

    @Test
    void anUnknownCacheKeyNamesTheKey() {
        FailureAnalysis a = StartupFailures.analysisOf(runner.withPropertyValues(
                "cascade.chains.faq.steps[0].model=gpt", "cascade.chains.faq.cache.tll=5m"));
        assertThat(a.getDescription()).contains("cascade.chains.faq.cache.tll");
    }

    @Test
    void anEmbeddingModelThatIsNoBeanNamesTheProperty() {
        FailureAnalysis a = StartupFailures.analysisOf(runner.withPropertyValues(
                "cascade.chains.faq.steps[0].model=gpt", "cascade.chains.faq.cache.embedding-model=minilm"));
        assertThat(a.getDescription()).contains("cascade.chains.faq.cache.embedding-model").contains("minilm");
    }

    @Test
    void aJdbcStoreWithoutADataSourceNamesTheProperty() {
        FailureAnalysis a = StartupFailures.analysisOf(runner.withPropertyValues(
                "cascade.chains.faq.steps[0].model=gpt", "cascade.chains.faq.cache.store=jdbc"));
        assertThat(a.getDescription()).contains("cascade.chains.faq.cache.store").contains("DataSource");
    }
}
