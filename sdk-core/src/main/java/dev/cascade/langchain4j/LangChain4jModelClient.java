package dev.cascade.langchain4j;

import dev.cascade.adapter.ChatMapping;
import dev.cascade.adapter.ProviderErrors;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.event.Anomaly;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any LangChain4j {@link ChatModel} as a Cascade model step.
 *
 * <pre>{@code
 * ChatModel gpt4o = OpenAiChatModel.builder()
 *         .apiKey(System.getenv("OPENAI_API_KEY"))
 *         .modelName("gpt-4o")
 *         .maxRetries(0)                       // Cascade owns retries
 *         .timeout(Duration.ofSeconds(20))     // a connect/headers timeout only; the step timeout bounds the call
 *         .build();
 * ChatModel claude = AnthropicChatModel.builder()
 *         .apiKey(System.getenv("ANTHROPIC_API_KEY"))
 *         .modelName("claude-sonnet-4-20250514")
 *         .maxRetries(0)
 *         .build();
 *
 * Cascade.<String, String>builder("support-triage")
 *         .model("advanced", LangChain4jModelClient.of(gpt4o, listener), s -> s
 *                 .timeout(Duration.ofSeconds(8)).retry(r -> r.maxAttempts(2)))
 *         .model("claude", LangChain4jModelClient.of(claude, listener), s -> s.timeout(Duration.ofSeconds(8)))
 *         ...
 * }</pre>
 *
 * <p><b>Request.</b> The system prompt (when set) becomes a {@link SystemMessage}, the user text a
 * {@link UserMessage}, and the output cap {@code maxOutputTokens}. The options {@code temperature}, {@code top_p},
 * {@code top_k}, {@code frequency_penalty} and {@code presence_penalty} of {@link ModelRequest#options()} are passed
 * on; other options are ignored. The model is the one the {@code ChatModel} is configured with; the model name given
 * to {@code of(...)} is what Cascade reports (spans, prices, the breaker's resource name).
 *
 * <p><b>Response.</b> The text of the {@link AiMessage} (null or blank stays so: the chain rejects an empty answer),
 * the token usage (input tokens include cached ones; cached tokens from OpenAI's {@code cached_tokens}, Anthropic's
 * {@code cache_read_input_tokens}, whose {@code input_tokens} exclude cache reads and writes, so both are added back),
 * the finish reason in lower case ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}; for
 * LangChain4j's {@code OTHER}, the provider's own value when the raw response shows it, e.g. Anthropic's
 * {@code refusal}, else {@code other}) and the model that answered. A content-filter finish ({@code content_filter},
 * or Anthropic's {@code refusal}) with no text is thrown as {@link FailureKind#CONTENT_FILTERED}; with partial text it
 * is returned, finish reason set, for the chain's {@code accept} gate to judge.
 *
 * <p><b>Errors</b> are thrown as {@link ModelCallException} with the kind {@link LangChain4jClassifier} gives and
 * the original exception as the cause. An interruption, and any exception the classifier does not recognise, is
 * rethrown unchanged, so the chain decides (cancellation, its own timeout, or its classifiers; unknown is
 * UNAVAILABLE). LangChain4j 1.19 does not expose response headers on its exceptions, so the provider's
 * {@code Retry-After} header cannot be passed on; a wait the provider states in its error message is (see
 * {@link LangChain4jClassifier}).
 *
 * <p><b>Retries have one owner: Cascade.</b> Build the LangChain4j model with {@code .maxRetries(0)}
 * ({@code OpenAiChatModel.builder().maxRetries(0)}, {@code AnthropicChatModel.builder().maxRetries(0)}; most other
 * LangChain4j chat models have the same builder method). By default LangChain4j retries twice on its own, so one
 * Cascade attempt can become three HTTP requests, each retry after its own backoff (0.5 s, then 0.75 s, plus up to
 * 20% jitter) that ignores Retry-After and the chain's deadline, and it retries malformed JSON and bare runtime errors
 * too. Those hidden requests multiply with the step's retries, are invisible to the breaker, the rate limiter and the
 * budget, and spend the attempt timeout. At construction the adapter reads the configured {@code maxRetries} of a
 * LangChain4j model (OpenAiChatModel, AnthropicChatModel, and any {@code dev.langchain4j} model with a
 * {@code maxRetries} field; by reflection, since LangChain4j has no accessor); when it is above 0 it fires
 * {@code onAnomaly(new Anomaly("client-retries", "provider/model", maxRetries, 0, ...))} once on the listener given to
 * {@code of(...)}. {@link #clientRetries()} tells what it found (empty when it could not tell).
 *
 * <p><b>Timeouts: set the step's.</b> LangChain4j's {@code timeout(...)} becomes the JDK HTTP client's connect
 * timeout and request timeout, and the JDK applies the request timeout only until the response headers arrive: a body
 * that stalls after the headers hangs until the server closes the socket. Give every LangChain4j step a Cascade
 * {@code .timeout(...)} (and the chain a {@code .deadline(...)}): Cascade enforces it itself, interrupts the call and
 * frees the caller; the JDK client's blocking wait is interruptible, so the pooled thread returns too.
 *
 * <p>Thread-safe when the wrapped model is (LangChain4j's HTTP chat models are).
 */
public final class LangChain4jModelClient implements ModelClient {

    /** The {@link Anomaly#watcher()} of the client-retries warning. */
    public static final String CLIENT_RETRIES = ChatMapping.CLIENT_RETRIES;

    private static final Pattern RAW_FINISH = Pattern.compile(
            "\"(?:stop_reason|finish_reason)\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,64})\"");

    private final ChatModel model;
    private final String provider;
    private final String modelName;
    private final OptionalInt clientRetries;

    private LangChain4jModelClient(ChatModel model, String provider, String modelName) {
        this.model = model;
        this.provider = provider;
        this.modelName = modelName;
        this.clientRetries = detectClientRetries(model);
    }

    /** Wraps {@code model}; provider and model name are read from it ({@link ChatModel#provider()}, its defaults). */
    public static LangChain4jModelClient of(ChatModel model) {
        return of(model, null, null, null);
    }

    /** As {@link #of(ChatModel)}, warning {@code listener} when the model retries on its own. */
    public static LangChain4jModelClient of(ChatModel model, CascadeListener listener) {
        return of(model, null, null, listener);
    }

    /**
     * @param provider  as in {@code gen_ai.provider.name} ({@code openai}, {@code anthropic}, ...); {@code null}:
     *                  read from the model
     * @param modelName the requested model ({@code gpt-4o}); {@code null}: the model's configured default
     */
    public static LangChain4jModelClient of(ChatModel model, String provider, String modelName) {
        return of(model, provider, modelName, null);
    }

    /**
     * As {@link #of(ChatModel, String, String)}; when the model retries on its own (configured {@code maxRetries} above
     * 0), fires one {@code client-retries} {@link Anomaly} on {@code listener} (may be {@code null}).
     */
    public static LangChain4jModelClient of(ChatModel model, String provider, String modelName,
                                            CascadeListener listener) {
        Objects.requireNonNull(model, "model");
        String p = ChatMapping.provider(provider, () -> providerName(model));
        String m = modelName != null ? modelName : defaultModelName(model);
        LangChain4jModelClient client = new LangChain4jModelClient(model, p, m);
        ChatMapping.reportClientRetries(listener, ChatMapping.subject(p, m), client.clientRetries.orElse(0),
                client::retryWarning);
        return client;
    }

    /** The client-retries warning, also reported by every chain this client is a step of (see {@link #warnings()}). */
    @Override
    public java.util.List<String> warnings() {
        return clientRetries.orElse(0) > 0 ? java.util.List.of(retryWarning()) : java.util.List.of();
    }

    private String retryWarning() {
        int retries = clientRetries.orElse(0);
        return ChatMapping.subject(provider, modelName) + ": the LangChain4j "
                + model.getClass().getSimpleName() + " retries on its own (maxRetries=" + retries + "), so one Cascade"
                + " attempt can become " + (retries + 1) + " HTTP requests that ignore Retry-After and the deadline;"
                + " build it with .maxRetries(0) and let the step's retry policy own retries";
    }

    @Override
    public ModelResponse call(ModelRequest request) throws Exception {
        ChatRequest chatRequest = toChatRequest(request);
        ChatResponse response;
        try {
            response = model.chat(chatRequest);
        } catch (RuntimeException e) {
            throw translate(e);
        }
        return toModelResponse(response);
    }

    /**
     * Loads and initialises what a call goes through besides the network: the request and response mapping (LangChain4j
     * message, request and metadata classes), the filtered-content check and the error classifier. No request is sent:
     * LangChain4j's {@code ChatModel} offers no way to open its connection without a billed call, so the first call
     * still sets up its connection (DNS, TCP, TLS).
     */
    @Override
    public void warmUp() throws Exception {
        ChatRequest request = toChatRequest(ModelRequest.of("warm-up", "warm-up").withMaxOutputTokens(1));
        toModelResponse(ChatResponse.builder()
                .aiMessage(AiMessage.from(request.messages().size() + " messages"))
                .metadata(ChatResponseMetadata.builder().tokenUsage(new TokenUsage(1, 1))
                        .finishReason(FinishReason.STOP).build())
                .build());
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

    /** The wrapped LangChain4j model. */
    public ChatModel chatModel() {
        return model;
    }

    /**
     * The wrapped model's own retries, as configured: 0 when it makes one HTTP request per call (what Cascade wants),
     * more when it retries on its own, empty when the adapter cannot tell (not a LangChain4j model with a
     * {@code maxRetries} field, or the field is not readable, e.g. on the module path).
     */
    public OptionalInt clientRetries() {
        return clientRetries;
    }

    @Override
    public String toString() {
        return "LangChain4jModelClient[" + provider + "/" + modelName + ", " + model.getClass().getSimpleName() + "]";
    }

    // ---- request

    ChatRequest toChatRequest(ModelRequest request) throws ModelCallException {
        List<ChatMessage> messages = new ArrayList<>(2);
        if (request.system() != null) {
            messages.add(SystemMessage.from(request.system()));
        }
        messages.add(UserMessage.from(request.user()));
        ChatRequest.Builder b = ChatRequest.builder().messages(messages);
        if (request.maxOutputTokens().isPresent()) {
            b.maxOutputTokens(request.maxOutputTokens().getAsInt());
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
        AiMessage ai = response.aiMessage();
        String text = ai == null ? null : ai.text();
        ChatResponseMetadata metadata = response.metadata();
        FinishReason finish = metadata == null ? null : metadata.finishReason();
        String finishReason = finishReason(finish, metadata);
        Usage usage = usage(metadata == null ? null : metadata.tokenUsage());
        ChatMapping.checkNotFiltered(provider, text, finishReason, usage);
        return new ModelResponse(text, usage, finishReason, metadata == null ? null : metadata.modelName());
    }

    static String finishReason(FinishReason finish, ChatResponseMetadata metadata) {
        if (finish == null) {
            return null;
        }
        switch (finish.name()) {
            case "STOP":
                return "stop";
            case "LENGTH":
                return "length";
            case "TOOL_EXECUTION":
                return "tool_calls";
            case "CONTENT_FILTER":
                return "content_filter";
            default:
                String raw = rawFinishReason(metadata);
                return raw != null ? raw : finish.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The provider's own finish reason from the raw response LangChain4j keeps (OpenAI and Anthropic models). */
    private static String rawFinishReason(ChatResponseMetadata metadata) {
        Object raw = invoke(metadata, "rawHttpResponse");
        Object body = invoke(raw, "body");
        if (body instanceof String s) {
            Matcher m = RAW_FINISH.matcher(s);
            if (m.find()) {
                return m.group(1).toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /**
     * Usage with input tokens including cached ones. OpenAI's prompt tokens already include its cached tokens;
     * Anthropic's input tokens exclude cache reads and cache writes, so both are added.
     */
    static Usage usage(TokenUsage tokens) {
        if (tokens == null) {
            return Usage.NONE;
        }
        long input = ChatMapping.tokens(tokens.inputTokenCount());
        long output = ChatMapping.tokens(tokens.outputTokenCount());
        long cached = ChatMapping.tokens(invoke(invoke(tokens, "inputTokensDetails"), "cachedTokens")); // OpenAI
        long cacheRead = ChatMapping.tokens(invoke(tokens, "cacheReadInputTokens"));                    // Anthropic
        long cacheWrite = ChatMapping.tokens(invoke(tokens, "cacheCreationInputTokens"));               // Anthropic
        input += cacheRead + cacheWrite;
        cached = Math.max(cached, cacheRead);
        return new Usage(input, output, Math.min(cached, input));
    }

    /** Calls a public no-argument method by name; null when there is none or it fails. */
    private static Object invoke(Object target, String method) {
        if (target == null) {
            return null;
        }
        try {
            Method m = target.getClass().getMethod(method);
            return m.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    // ---- errors

    private Exception translate(RuntimeException e) {
        if (ProviderErrors.interrupted(e)) {
            return e; // the chain decides: a cancellation, or its own attempt timeout
        }
        LangChain4jClassifier.Verdict v = LangChain4jClassifier.verdict(e);
        if (v == null && unreadableResponse(e)) {
            // LangChain4j read a response it could not make sense of (e.g. HTTP 200 whose body is an error object:
            // no choices, so a NullPointerException). The provider failed; say so rather than quote the NPE.
            return new ModelCallException(FailureKind.UNAVAILABLE, "provider returned HTTP 200 with an error body or"
                    + " an unreadable response (LangChain4j failed reading it with " + e.getClass().getSimpleName()
                    + "; the body is not reachable through LangChain4j: use CascadeHttpClientBuilder to see its error)",
                    null, e);
        }
        if (v == null) {
            return e; // not recognised: the chain's classifiers decide (unknown is UNAVAILABLE)
        }
        return new ModelCallException(v.kind(), v.summary(), v.retryAfter(), e);
    }

    /**
     * A NullPointerException (or a missing element) thrown by LangChain4j itself while reading a response: the call
     * reached the provider and came back with something other than an answer.
     */
    private static boolean unreadableResponse(RuntimeException e) {
        if (!(e instanceof NullPointerException || e instanceof IndexOutOfBoundsException)) {
            return false;
        }
        StackTraceElement[] stack = e.getStackTrace();
        // HotSpot's OmitStackTraceInFastThrow drops the stack of a hot implicit NPE (an outage makes it hot): with no
        // stack to read, it is LangChain4j's, since our own mapping runs only after the call returned.
        return stack.length == 0 || Arrays.stream(stack).limit(8)
                .anyMatch(f -> f.getClassName().startsWith("dev.langchain4j."));
    }

    // ---- what the model is

    /** {@code gen_ai.provider.name} for LangChain4j's {@link ModelProvider}; {@code unknown} when it says OTHER. */
    static String providerName(ChatModel model) {
        ModelProvider p;
        try {
            p = model.provider();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
        if (p == null) {
            return "unknown";
        }
        switch (p.name()) {
            case "OPEN_AI":
                return "openai";
            case "ANTHROPIC":
                return "anthropic";
            case "AZURE_OPEN_AI":
                return "azure.ai.openai";
            case "AMAZON_BEDROCK":
                return "aws.bedrock";
            case "GOOGLE_AI_GEMINI":
                return "gcp.gemini";
            case "GOOGLE_GENAI":
                return "gcp.gen_ai";
            case "GOOGLE_VERTEX_AI_GEMINI":
            case "GOOGLE_VERTEX_AI_ANTHROPIC":
                return "gcp.vertex_ai";
            case "MICROSOFT_FOUNDRY":
                return "azure.ai.inference";
            case "MISTRAL_AI":
                return "mistral_ai";
            case "WATSONX":
                return "ibm.watsonx.ai";
            case "OTHER":
                return "unknown";
            default:
                return p.name().toLowerCase(Locale.ROOT); // cohere, ollama, github_models, voyage_ai, jina
        }
    }

    private static String defaultModelName(ChatModel model) {
        try {
            ChatRequestParameters defaults = model.defaultRequestParameters();
            return defaults == null ? null : defaults.modelName();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * The configured {@code maxRetries} of a LangChain4j model: a field of that name (int or Integer) on its class or
     * a {@code dev.langchain4j} superclass. Empty when there is none or it cannot be read.
     */
    static OptionalInt detectClientRetries(ChatModel model) {
        for (Class<?> c = model.getClass(); c != null && c.getName().startsWith("dev.langchain4j."); c = c.getSuperclass()) {
            Field f;
            try {
                f = c.getDeclaredField("maxRetries");
            } catch (NoSuchFieldException e) {
                continue;
            } catch (RuntimeException | LinkageError e) {
                return OptionalInt.empty();
            }
            if (f.getType() != int.class && f.getType() != Integer.class) {
                return OptionalInt.empty();
            }
            try {
                f.setAccessible(true);
                Object v = f.get(model);
                return v instanceof Integer i ? OptionalInt.of(Math.max(0, i)) : OptionalInt.empty();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return OptionalInt.empty(); // e.g. InaccessibleObjectException on the module path
            }
        }
        return OptionalInt.empty();
    }
}
