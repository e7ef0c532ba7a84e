package dev.cascade.langchain4j;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Any LangChain4j embedding model as the cache's: vectors passed through, lengths checked, errors that say the fix. */
class LangChain4jEmbeddingModelTest {

    /** A LangChain4j model whose vector is the text's length repeated {@code dims} times. */
    private static dev.langchain4j.model.embedding.EmbeddingModel lengths(int dims) {
        return new dev.langchain4j.model.embedding.EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                List<Embedding> out = new ArrayList<>();
                for (TextSegment s : segments) {
                    float[] v = new float[dims];
                    java.util.Arrays.fill(v, s.text().length());
                    out.add(Embedding.from(v));
                }
                return Response.from(out);
            }
        };
    }

    @Test
    void passesTheVectorThrough() {
        LangChain4jEmbeddingModel m = LangChain4jEmbeddingModel.of("len-3", lengths(3), 3);
        assertThat(m.id()).isEqualTo("len-3");
        assertThat(m.dimensions()).isEqualTo(3);
        assertThat(m.embed("abcd")).containsExactly(4f, 4f, 4f);
    }

    @Test
    void dimensionsComeFromTheModelWhenNotGiven() {
        assertThat(LangChain4jEmbeddingModel.of("len-5", lengths(5)).dimensions()).isEqualTo(5);
    }

    @Test
    void aVectorOfAnotherLengthFailsNamingBothLengths() {
        LangChain4jEmbeddingModel m = LangChain4jEmbeddingModel.of("len-3", lengths(3), 4);
        assertThatThrownBy(() -> m.embed("abc")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returned a vector of 3 entries, expected 4");
    }

    @Test
    void badArgumentsNameTheFieldAndValue() {
        assertThatThrownBy(() -> LangChain4jEmbeddingModel.of(" ", lengths(3), 3))
                .hasMessageContaining("embedding model id must not be blank");
        assertThatThrownBy(() -> LangChain4jEmbeddingModel.of("x", lengths(3), 0))
                .hasMessageContaining("embedding model dimensions must be > 0, was 0");
    }
}
