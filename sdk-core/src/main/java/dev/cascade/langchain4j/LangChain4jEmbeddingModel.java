package dev.cascade.langchain4j;

import dev.cascade.cache.EmbeddingModel;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.output.Response;

import java.util.Objects;

/**
 * Any LangChain4j {@link dev.langchain4j.model.embedding.EmbeddingModel} as the response cache's
 * {@link EmbeddingModel}: an in-process ONNX model, or a provider's embedding endpoint (OpenAI, Ollama, ...).
 *
 * <pre>{@code
 * EmbeddingModel embeddings = LangChain4jEmbeddingModel.of("text-embedding-3-small", openAiEmbeddingModel, 1536);
 * }</pre>
 *
 * <p>The {@code id} is part of every cache entry's scope (vectors of two models are never compared), so give each
 * model and version its own id. Every vector is checked to have {@link #dimensions()} entries; a model that returns
 * another length, or no vector, fails that call with an {@link IllegalStateException} (the cache then treats the
 * lookup as a miss). The returned vector is a copy the caller may keep.
 *
 * <p>Thread-safe when the wrapped model is (LangChain4j's are); this class keeps no state of its own.
 */
public final class LangChain4jEmbeddingModel implements EmbeddingModel {
    private final String id;
    private final dev.langchain4j.model.embedding.EmbeddingModel model;
    private final int dimensions;

    private LangChain4jEmbeddingModel(String id, dev.langchain4j.model.embedding.EmbeddingModel model,
                                      int dimensions) {
        this.id = id;
        this.model = model;
        this.dimensions = dimensions;
    }

    /**
     * @param id         a stable name of the model and its version, for example {@code text-embedding-3-small}
     * @param model      the LangChain4j embedding model
     * @param dimensions the length of its vectors
     * @throws IllegalArgumentException when {@code id} is blank or {@code dimensions} is not positive
     */
    public static LangChain4jEmbeddingModel of(String id, dev.langchain4j.model.embedding.EmbeddingModel model,
                                               int dimensions) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        if (id.isBlank()) {
            throw new IllegalArgumentException("embedding model id must not be blank; give a stable name such as "
                    + "\"text-embedding-3-small\" (it scopes the cache's vectors)");
        }
        if (dimensions <= 0) {
            throw new IllegalArgumentException("embedding model dimensions must be > 0, was " + dimensions
                    + "; give the length of the model's vectors (e.g. 384 for all-MiniLM-L6-v2)");
        }
        return new LangChain4jEmbeddingModel(id, model, dimensions);
    }

    /**
     * The model with the dimensions it reports ({@code model.dimension()}, which may embed a probe text once).
     *
     * @throws IllegalArgumentException when {@code id} is blank
     */
    public static LangChain4jEmbeddingModel of(String id, dev.langchain4j.model.embedding.EmbeddingModel model) {
        Objects.requireNonNull(model, "model");
        return of(id, model, model.dimension());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public float[] embed(String text) {
        Objects.requireNonNull(text, "text");
        Response<Embedding> response = model.embed(text);
        Embedding embedding = response == null ? null : response.content();
        if (embedding == null) {
            throw new IllegalStateException("embedding model " + id + " returned no vector");
        }
        float[] vector = embedding.vector();
        if (vector.length != dimensions) {
            throw new IllegalStateException("embedding model " + id + " returned a vector of " + vector.length
                    + " entries, expected " + dimensions + "; pass the model's real dimensions to "
                    + "LangChain4jEmbeddingModel.of");
        }
        return vector.clone();
    }

    @Override
    public String toString() {
        return "LangChain4jEmbeddingModel[" + id + ", " + dimensions + " dimensions]";
    }
}
