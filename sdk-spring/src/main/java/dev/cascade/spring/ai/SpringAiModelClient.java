package dev.cascade.spring.ai;

import dev.cascade.adapter.ChatMapping;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.event.Anomaly;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Any Spring AI {@link ChatModel} as a Cascade model step.
 *
 * <pre>{@code
 * @Bean Cascade<String, String> triage(ChatModel openAiChatModel, CascadeListener listener) {
 *     return Cascade.<String, String>builder("support-triage")
 *             .model("advanced", SpringAiModelClient.wrap(openAiChatModel), s -> s
 *                     .timeout(Duration.ofSeconds(8)).retry(r -> r.maxAttempts(2)))
 *             ...
 * }
 * }</pre>
 *
 * <p><b>Two factories.</b> {@link #wrap(ChatModel)} is what the auto-configuration uses: it turns the model's own
 * retries off where it can ({@link SpringAiClientRetries#disable}: an {@code OpenAiChatModel} is copied over the same
 * HTTP client with the SDK's {@code maxRetries(0)}; the bean is not changed) and then wraps it. {@link #of(ChatModel)}
 * wraps the model as it is. Either way, a model that still retries on its own is reported: in {@link #warnings()},
 * which every chain the client is a step of turns into a {@code model-client} anomaly when it is built, and once as a
 * {@code client-retries} {@link Anomaly} on the listener given to the factory.
 *
 * <p><b>Request.</b> The system prompt (when set) becomes a {@link SystemMessage}, the user text a
 * {@link UserMessage}. When the request caps the output ({@code maxTokens}) or carries the options
 * {@code temperature}, {@code top_p}, {@code top_k}, {@code frequency_penalty} or {@code presence_penalty}, they are
 * set on a copy of the model's own options ({@code model.getOptions().mutate()}), so the prompt's options keep the
 * model's type ({@code OpenAiChatOptions} for OpenAI, which it requires) and everything else configured on it (model,
 * timeout, ...); otherwise the prompt carries no options and the model uses its own. Other request options are
 * ignored. (An {@code OpenAiChatOptions} configured with {@code maxCompletionTokens} keeps that and ignores the
 * request's cap, as Spring AI documents.)
 *
 * <p><b>Response.</b> The text of the first generation (null or blank stays so: the chain rejects an empty answer);
 * the usage from {@link ChatResponseMetadata#getUsage()}: prompt tokens (including cached ones), completion tokens,
 * and cached tokens from {@code getCacheReadInputTokens()} (OpenAI's {@code prompt_tokens_details.cached_tokens};
 * for Anthropic, whose {@code input_tokens} exclude cache reads and writes, both are added to the input when Spring AI
 * reports the raw {@code input_tokens}); the finish reason in lower case with the providers' synonyms folded
 * ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}, else the provider's own word); and the
 * model that answered ({@link ChatResponseMetadata#getModel()}). A content-filter finish, or an OpenAI
 * {@code refusal}, with no text is thrown as {@link FailureKind#CONTENT_FILTERED}; with partial text it is returned
 * for the chain's {@code accept} gate to judge.
 *
 * <p><b>Errors</b> are thrown as {@link ModelCallException} with the kind and Retry-After {@link SpringAiClassifier}
 * gives and the original exception as the cause. An interruption, and anything the classifier does not recognise, is
 * rethrown unchanged for the chain to decide.
 *
 * <p><b>Timeouts.</b> Give the step a Cascade {@code .timeout(...)} and keep the model's own timeout
 * ({@code OpenAiChatOptions.timeout}, the OkHttp call timeout, default 60 s) a little shorter: OkHttp's blocking read
 * does not react to the interrupt Cascade sends when its timeout fires, so the pooled thread (not the caller) stays
 * busy until OkHttp's own timeout ends the exchange.
 *
 * <p><b>Provider and model</b> are best effort when not given: the provider from the model's package
 * ({@code openai}, {@code anthropic}, {@code ollama}, ..., else {@code unknown}); the model from
 * {@code getOptions().getModel()}. Prices and the breaker's resource name use them.
 *
 * <p>Immutable; thread-safe when the wrapped model is (Spring AI's HTTP chat models are).
 */
public final class SpringAiModelClient implements ModelClient {

    /** The {@link Anomaly#watcher()} of the client-retries warning. */
    public static final String CLIENT_RETRIES = ChatMapping.CLIENT_RETRIES;

    private final ChatModel model;
    private final String provider;
    private final String modelName;
    private final OptionalInt clientRetries;
    /** Whether the model's OkHttp client re-sends a request after a connection failure (retryOnConnectionFailure). */
    private final boolean connectionRetries;

    private SpringAiModelClient(ChatModel model, String provider, String modelName) {
        this.model = model;
        this.provider = provider;
        this.modelName = modelName;
        this.clientRetries = SpringAiClientRetries.detect(model);
        this.connectionRetries = SpringAiClientRetries.connectionRetries(model).orElse(false);
    }

    /**
     * Wraps {@code model} with its own retries off where that is possible (see {@link SpringAiClientRetries#disable});
     * provider and model name read from it. What the auto-configuration calls for every {@code ChatModel} bean.
     */
    public static SpringAiModelClient wrap(ChatModel model) {
        return wrap(model, null, null, null);
    }

    /**
     * As {@link #wrap(ChatModel)}.
     *
     * @param provider  as in {@code gen_ai.provider.name}; {@code null}: read from the model
     * @param modelName the requested model; {@code null}: the model's configured default
     * @param listener  told once ({@code client-retries}) when the model still retries on its own; may be null
     */
    public static SpringAiModelClient wrap(ChatModel model, String provider, String modelName,
                                           CascadeListener listener) {
        return of(SpringAiClientRetries.disable(Objects.requireNonNull(model, "model")), provider, modelName, listener);
    }

    /** Wraps {@code model} as it is (its own retries untouched); provider and model name read from it. */
    public static SpringAiModelClient of(ChatModel model) {
        return of(model, null, null, null);
    }

    /** As {@link #of(ChatModel)}, with the provider and model name given ({@code null}: read from the model). */
    public static SpringAiModelClient of(ChatModel model, String provider, String modelName) {
        return of(model, provider, modelName, null);
    }

    /**
     * As {@link #of(ChatModel, String, String)}; when the model retries on its own, fires one {@code client-retries}
     * {@link Anomaly} on {@code listener} (may be {@code null}).
     */
    public static SpringAiModelClient of(ChatModel model, String provider, String modelName,
                                         CascadeListener listener) {
        Objects.requireNonNull(model, "model");
        String p = ChatMapping.provider(provider, () -> providerName(model));
        String m = modelName != null ? modelName : defaultModelName(model);
        SpringAiModelClient client = new SpringAiModelClient(model, p, m);
        ChatMapping.reportClientRetries(listener, client.subject(), client.clientRetries.orElse(0),
                client::retryWarning);
        return client;
    }

    @Override
    public ModelResponse call(ModelRequest request) throws Exception {
        Prompt prompt = toPrompt(request);
        ChatResponse response;
        try {
            response = model.call(prompt);
        } catch (RuntimeException e) {
            throw translate(e);
        }
        return toModelResponse(response);
    }

    /**
     * Loads and initialises what a call goes through besides the network: the prompt and options mapping (Spring AI
     * message, prompt and options classes, the model's default options), the response mapping and the error
     * classifier. No request is sent: a Spring AI {@code ChatModel} offers no way to open its connection without a
     * billed call, so the first call still sets up its connection (DNS, TCP, TLS).
     */
    @Override
    public void warmUp() throws Exception {
        Prompt prompt = toPrompt(ModelRequest.of("warm-up", "warm-up").withMaxOutputTokens(1));
        toModelResponse(new ChatResponse(List.of(new Generation(new AssistantMessage(
                prompt.getInstructions().size() + " messages")))));
        translate(new IllegalStateException("warm-up"));
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public String model() {
        return modelName;
    }

    /** The client-retries warning when the wrapped model retries on its own; also reported by every chain. */
    @Override
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>(2);
        if (clientRetries.orElse(0) > 0) {
            warnings.add(retryWarning());
        }
        if (connectionRetries) {
            warnings.add(subject() + ": the HTTP client of the Spring AI " + model.getClass().getSimpleName()
                    + " re-sends a request when a pooled connection is closed or reset before any response byte"
                    + " (OkHttp retryOnConnectionFailure), so one Cascade attempt can become 2 HTTP requests that the"
                    + " breaker, limiter and budget never see; wrap the model with SpringAiModelClient.wrap(...), or"
                    + " build its HTTP client with retryOnConnectionFailure(false)");
        }
        return List.copyOf(warnings);
    }

    /** The wrapped Spring AI model (for {@link #wrap}: the copy without retries, when one was made). */
    public ChatModel chatModel() {
        return model;
    }

    /**
     * The wrapped model's own retries per call: 0 when one call is one HTTP request, more when it retries on its own,
     * empty when the adapter cannot tell (see {@link SpringAiClientRetries#detect}).
     */
    public OptionalInt clientRetries() {
        return clientRetries;
    }

    @Override
    public String toString() {
        return "SpringAiModelClient[" + subject() + ", " + model.getClass().getSimpleName() + "]";
    }

    private String subject() {
        return ChatMapping.subject(provider, modelName);
    }

    private String retryWarning() {
        int retries = clientRetries.orElse(0);
        return subject() + ": the Spring AI " + model.getClass().getSimpleName() + " retries on its own (maxRetries="
                + retries + "), so one Cascade attempt can become " + (retries + 1) + " HTTP requests that ignore the"
                + " deadline and are invisible to the breaker and the budget; wrap it with SpringAiModelClient.wrap(...)"
                + " or set its options' maxRetries to 0 (spring.ai.<provider>.chat.options.max-retries=0)";
    }

    // ---- request

    Prompt toPrompt(ModelRequest request) throws ModelCallException {
        List<Message> messages = new ArrayList<>(2);
        if (request.system() != null) {
            messages.add(new SystemMessage(request.system()));
        }
        messages.add(new UserMessage(request.user()));
        return new Prompt(messages, options(request));
    }

    private ChatOptions options(ModelRequest request) throws ModelCallException {
        if (!ChatMapping.tunes(request)) {
            return null; // the model uses its own options
        }
        ChatOptions base = SpringAiClientRetries.options(model);
        ChatOptions.Builder<?> b = base != null ? base.mutate() : ChatOptions.builder();
        if (request.maxOutputTokens().isPresent()) {
            b.maxTokens(request.maxOutputTokens().getAsInt());
        }
        ChatMapping.applySamplingOptions(request.options(), b::temperature, b::topP, b::topK, b::frequencyPenalty,
                b::presencePenalty);
        return b.build();
    }

    // ---- response

    ModelResponse toModelResponse(ChatResponse response) throws ModelCallException {
        if (response == null) {
            return null; // the chain records "model client returned null"
        }
        Generation generation = response.getResult();
        AssistantMessage output = generation == null ? null : generation.getOutput();
        String text = output == null ? null : output.getText();
        ChatGenerationMetadata gm = generation == null ? null : generation.getMetadata();
        String finishReason = finishReason(gm == null ? null : gm.getFinishReason());
        ChatResponseMetadata metadata = response.getMetadata();
        Usage usage = usage(metadata == null ? null : metadata.getUsage());
        if (text == null || text.isBlank()) {
            Object refusal = output == null ? null : output.getMetadata().get("refusal");
            if (refusal instanceof String r && !r.isBlank()) {
                throw new ModelCallException(FailureKind.CONTENT_FILTERED, provider + " refused the request"
                        + " (refusal, no text)", null, null, usage);
            }
        }
        ChatMapping.checkNotFiltered(provider, text, finishReason, usage);
        String answeredBy = metadata == null || metadata.getModel() == null || metadata.getModel().isBlank()
                ? null : metadata.getModel();
        return new ModelResponse(text, usage, finishReason, answeredBy);
    }

    /** Lower case, with the providers' synonyms folded onto OpenAI's words. */
    static String finishReason(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String r = raw.trim().toLowerCase(Locale.ROOT);
        switch (r) {
            case "stop":
            case "end_turn":
            case "stop_sequence":
                return "stop";
            case "length":
            case "max_tokens":
                return "length";
            case "tool_calls":
            case "tool_use":
            case "function_call":
                return "tool_calls";
            case "content_filter":
            case "safety":
                return "content_filter";
            default:
                return r;
        }
    }

    /**
     * Input tokens include cached ones. OpenAI's prompt tokens already include its cached tokens; Anthropic's
     * {@code input_tokens} exclude cache reads and writes, so when Spring AI reports that raw count they are added.
     */
    static Usage usage(org.springframework.ai.chat.metadata.Usage u) {
        if (u == null) {
            return Usage.NONE;
        }
        long input = ChatMapping.tokens(u.getPromptTokens());
        long output = ChatMapping.tokens(u.getCompletionTokens());
        long cacheRead = ChatMapping.tokens(u.getCacheReadInputTokens());
        long cacheWrite = ChatMapping.tokens(u.getCacheWriteInputTokens());
        Object nativeUsage = u.getNativeUsage();
        if (nativeUsage != null && nativeUsage.getClass().getName().startsWith("com.anthropic.")
                && ChatMapping.tokens(Reflect.call(nativeUsage, "inputTokens")) == input) {
            input += cacheRead + cacheWrite;
        }
        return new Usage(input, output, Math.min(cacheRead, input));
    }

    // ---- errors

    private static Exception translate(RuntimeException e) {
        SpringAiClassifier.Verdict v = SpringAiClassifier.instance().verdict(e);
        if (v == null) {
            return e; // an interruption, or not recognised: the chain decides
        }
        return new ModelCallException(v.kind(), v.summary(), v.retryAfter(), e);
    }

    // ---- what the model is

    /** {@code gen_ai.provider.name} from the model's package; {@code unknown} when it is not a known Spring AI module. */
    static String providerName(ChatModel model) {
        String pkg = model.getClass().getName();
        if (pkg.startsWith("org.springframework.ai.openai.")) {
            Object foundry = Reflect.call(SpringAiClientRetries.options(model), "isMicrosoftFoundry");
            return Boolean.TRUE.equals(foundry) ? "azure.ai.openai" : "openai";
        }
        String[][] known = {
                {"org.springframework.ai.anthropic.", "anthropic"},
                {"org.springframework.ai.azure.openai.", "azure.ai.openai"},
                {"org.springframework.ai.ollama.", "ollama"},
                {"org.springframework.ai.mistralai.", "mistral_ai"},
                {"org.springframework.ai.deepseek.", "deepseek"},
                {"org.springframework.ai.bedrock.", "aws.bedrock"},
                {"org.springframework.ai.vertexai.", "gcp.vertex_ai"},
                {"org.springframework.ai.google.genai.", "gcp.gen_ai"},
                {"org.springframework.ai.minimax.", "minimax"},
                {"org.springframework.ai.zhipuai.", "zhipuai"},
                {"org.springframework.ai.huggingface.", "huggingface"},
                {"org.springframework.ai.oci.", "oci.genai"}};
        for (String[] k : known) {
            if (pkg.startsWith(k[0])) {
                return k[1];
            }
        }
        return "unknown";
    }

    private static String defaultModelName(ChatModel model) {
        ChatOptions options = SpringAiClientRetries.options(model);
        String name = options == null ? null : options.getModel();
        return name == null || name.isBlank() ? null : name;
    }
}
