package dev.cascade.api;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a model step sends to its {@link dev.cascade.spi.ModelClient}: an optional system prompt, the user text, an
 * optional cap on output tokens, and an optional prompt template id (for per-template metrics, never sent to the
 * provider). Immutable and thread-safe.
 *
 * <p>Prompt text is never put in logs, events or spans by Cascade unless the user opts in.
 */
public final class ModelRequest {
    private final String system;
    private final String user;
    private final int maxOutputTokens;
    private final Map<String, String> options;
    private final String templateId;

    private ModelRequest(String system, String user, int maxOutputTokens, Map<String, String> options) {
        this(system, user, maxOutputTokens, options, null);
    }

    private ModelRequest(String system, String user, int maxOutputTokens, Map<String, String> options,
                         String templateId) {
        this.system = system;
        this.user = Objects.requireNonNull(user, "user text must not be null");
        if (maxOutputTokens < 0) {
            throw new IllegalArgumentException("maxOutputTokens must be > 0 when set, was " + maxOutputTokens);
        }
        this.maxOutputTokens = maxOutputTokens;
        this.options = Map.copyOf(options);
        this.templateId = templateId;
    }

    /** A request with a system prompt (may be {@code null}) and user text. */
    public static ModelRequest of(String system, String user) {
        return new ModelRequest(system, user, 0, Map.of());
    }

    /** A request with user text only. */
    public static ModelRequest of(String user) {
        return new ModelRequest(null, user, 0, Map.of());
    }

    /** A copy that caps the completion at {@code tokens} (must be > 0). */
    public ModelRequest withMaxOutputTokens(int tokens) {
        if (tokens <= 0) {
            throw new IllegalArgumentException("maxOutputTokens must be > 0, was " + tokens);
        }
        return new ModelRequest(system, user, tokens, options, templateId);
    }

    /** A copy with provider-specific options (e.g. temperature) that adapters may read. */
    public ModelRequest withOptions(Map<String, String> options) {
        return new ModelRequest(system, user, maxOutputTokens, Objects.requireNonNull(options, "options"), templateId);
    }

    /**
     * A copy that names the prompt template it was made from, e.g. {@code "triage-v3"}. Telemetry breaks tokens, cost,
     * latency, quality score and completion rate down by it (attribute {@code gen_ai.prompt.name}); it is never sent
     * to the provider. A model step's {@code template(...)} sets it on requests that name none. Default: none.
     *
     * @throws IllegalArgumentException if {@code templateId} is blank or longer than 128 characters
     */
    public ModelRequest withTemplateId(String templateId) {
        Objects.requireNonNull(templateId, "templateId");
        if (templateId.isBlank() || templateId.length() > 128) {
            throw new IllegalArgumentException("templateId must be 1 to 128 non-blank characters (it becomes a metric"
                    + " attribute), was '" + templateId + "'; use a short stable id such as \"triage-v3\"");
        }
        return new ModelRequest(system, user, maxOutputTokens, options, templateId);
    }

    /** The prompt template this request was made from, or {@code null} when none was named. */
    public String templateId() {
        return templateId;
    }

    /** The system prompt, or {@code null}. */
    public String system() {
        return system;
    }

    public String user() {
        return user;
    }

    /** The output cap, if one is set. */
    public OptionalInt maxOutputTokens() {
        return maxOutputTokens == 0 ? OptionalInt.empty() : OptionalInt.of(maxOutputTokens);
    }

    public Map<String, String> options() {
        return options;
    }

    /** Deliberately omits the prompt text: requests end up in logs. */
    @Override
    public String toString() {
        return "ModelRequest[systemChars=" + (system == null ? 0 : system.length()) + ", userChars=" + user.length()
                + ", maxOutputTokens=" + maxOutputTokens + (templateId == null ? "" : ", templateId=" + templateId) + "]";
    }
}
