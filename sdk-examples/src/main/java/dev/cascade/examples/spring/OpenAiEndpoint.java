package dev.cascade.examples.spring;

/**
 * Where the two OpenAI models send their requests: the simulated provider, or (when the simulator is off) Spring AI's
 * usual {@code spring.ai.openai.base-url} and {@code spring.ai.openai.api-key}. A {@code null} value lets Spring AI
 * read {@code OPENAI_BASE_URL} / {@code OPENAI_API_KEY} from the environment, and then its default endpoint.
 *
 * @param baseUrl the API's base URL, e.g. {@code https://api.openai.com/v1}; may be null
 * @param apiKey  the API key; may be null
 */
public record OpenAiEndpoint(String baseUrl, String apiKey) {

    static OpenAiEndpoint of(String baseUrl, String apiKey) {
        return new OpenAiEndpoint(blankToNull(baseUrl), blankToNull(apiKey));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "OpenAiEndpoint[" + (baseUrl == null ? "default" : baseUrl) + ", key " + (apiKey == null ? "from the"
                + " environment" : "set") + "]";
    }
}
