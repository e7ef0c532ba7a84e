package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.cache.LexicalGuards;
import dev.cascade.langchain4j.LangChain4jEmbeddingModel;
import dev.cascade.langchain4j.MiniLmEmbeddingModel;
import dev.cascade.spi.ModelClient;

/**
 * Documentation snippets: the response cache's semantic matching (default in-process model, lexical guards, another
 * LangChain4j embedding model). Compiled with the examples so the docs never show code that does not build.
 */
public final class CacheSemanticSnippets {
    private CacheSemanticSnippets() {
    }

    /** Semantic lookup with the default model and guards, at the default threshold. */
    public static Cascade<String, String> semantic(ModelClient gpt4o) {
        // tag::cache-semantic-minilm[]
        Cascade<String, String> faq = Cascade.<String, String>builder("support-faq")
                .prompt(question -> ModelRequest.of("Answer the customer's question.", question))
                .parse(ModelResponse::text)
                .model("advanced", gpt4o)
                .cache(c -> c
                        .namespace("faq-v3")
                        .embeddingModel(MiniLmEmbeddingModel.get())   // all-MiniLM-L6-v2, in process, offline
                        .guard(LexicalGuards.defaults()))             // refuse "enable" vs "disable", 1234 vs 5678, ...
                .build();
        // end::cache-semantic-minilm[]
        return faq;
    }

    /** Guards tuned to a product line: terms that must not stand in for one another, one more action pair. */
    public static LexicalGuards customGuards() {
        // tag::cache-guards[]
        LexicalGuards guards = LexicalGuards.builder()
                .termGroup("starter kit", "pro kit|professional kit", "studio kit")  // synonyms with |
                .termGroup("model s", "model x")
                .actionPair("archive", "restore")
                .negationWords("nope")
                .build();
        // end::cache-guards[]
        return guards;
    }

    /** Spring Boot: the default model as the application's embedding model bean (picked up by every cached chain). */
    public static final class Beans {
        // tag::cache-minilm-bean[]
        @org.springframework.context.annotation.Bean
        dev.cascade.cache.EmbeddingModel cacheEmbeddings() {
            return MiniLmEmbeddingModel.get().warmUp();   // loads the model at start-up, not on the first request
        }
        // end::cache-minilm-bean[]
    }

    /** Any LangChain4j embedding model as the cache's. */
    public static LangChain4jEmbeddingModel otherModel(dev.langchain4j.model.embedding.EmbeddingModel openAiSmall) {
        // tag::cache-other-embeddings[]
        LangChain4jEmbeddingModel embeddings =
                LangChain4jEmbeddingModel.of("text-embedding-3-small", openAiSmall, 1536);
        // end::cache-other-embeddings[]
        return embeddings;
    }
}
