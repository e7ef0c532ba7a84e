package dev.cascade.api;

import java.util.Objects;

/**
 * What a {@link dev.cascade.spi.ModelClient} returns: the completion text, the usage the provider reported, the
 * finish reason and the model that actually answered. Immutable.
 *
 * @param text         the completion; untrusted input wherever it is shown
 * @param usage        reported token usage ({@link Usage#NONE} when the provider reported none)
 * @param finishReason e.g. {@code stop}, {@code length}, {@code content_filter}; {@code null} when unknown
 * @param model        the model name the provider reported; {@code null} when unknown
 */
public record ModelResponse(String text, Usage usage, String finishReason, String model) {

    public ModelResponse {
        Objects.requireNonNull(usage, "usage must not be null; use Usage.NONE");
    }

    public static ModelResponse of(String text, Usage usage) {
        return new ModelResponse(text, usage, "stop", null);
    }

    /** Whether the text is missing or blank; such an answer is REJECTED by the quality gate. */
    public boolean isEmpty() {
        return text == null || text.isBlank();
    }

    @Override
    public String toString() {
        return "ModelResponse[chars=" + (text == null ? 0 : text.length()) + ", usage=" + usage
                + ", finishReason=" + finishReason + ", model=" + model + "]";
    }
}
