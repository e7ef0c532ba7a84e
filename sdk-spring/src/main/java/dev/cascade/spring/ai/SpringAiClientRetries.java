package dev.cascade.spring.ai;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * What a Spring AI {@link ChatModel} does about retries on its own, and a way to turn that off, so that one Cascade
 * attempt is one HTTP request and Cascade's retry policy is the only one.
 *
 * <p><b>How Spring AI 2.0 retries.</b> {@code OpenAiChatModel} (module {@code spring-ai-openai}) has no
 * {@code RetryTemplate} any more: it calls the official {@code openai-java} SDK, whose client wraps every request in
 * its {@code RetryingHttpClient}. That client retries connection errors, 408, 409, 429 and 5xx up to
 * {@code maxRetries} times, after {@code retry-after-ms}/{@code Retry-After} or an exponential backoff (0.5 s doubling
 * to 8 s, minus up to 25% jitter), unless the response says {@code x-should-retry: false}. Spring AI sets
 * {@code maxRetries} from {@code OpenAiChatOptions.maxRetries} ({@code spring.ai.openai.chat.options.max-retries}),
 * <b>default 3</b>: one call can be four HTTP requests. The SDK's {@code maxRetries} is fixed when the client is built
 * (the SDK's per-request {@code RequestOptions} has no retry setting), and {@code OpenAiChatModel} neither exposes its
 * client nor lets its options change it afterwards. {@code AnthropicChatModel} works the same way on
 * {@code anthropic-java} ({@code AnthropicChatOptions.maxRetries}). The {@code RestClient}-based modules (Ollama,
 * Mistral, ...) retry through a {@code RetryTemplate} given to their builders.
 *
 * <p><b>What {@link #disable(ChatModel)} does.</b> For an {@code OpenAiChatModel} it returns a copy that shares the
 * original's HTTP client (OkHttp connection pool, interceptors, observation), API key, base URL, options, observation
 * registry and convention, but whose SDK clients are derived with the SDK's own
 * {@code OpenAIClient.withOptions(o -> o.maxRetries(0))} and whose options say {@code maxRetries(0)}. The bean itself is
 * not changed: other users of it keep Spring AI's retries. The copy is made by reflection on
 * {@code OpenAiChatModel}'s private fields (it has no accessor for its clients), so it needs Spring AI 2.0's field
 * names and, on the module path, an open {@code org.springframework.ai.openai} package; when either is missing the
 * model is returned unchanged and {@link SpringAiModelClient#warnings()} says so. Every other model is returned
 * unchanged: build it without retries yourself ({@code maxRetries(0)} in its options, or a {@code RetryTemplate}
 * that does not retry).
 *
 * <p><b>What stays.</b> OkHttp's own {@code retryOnConnectionFailure} (on by default in Spring AI's client) may
 * re-send a request once when a pooled keep-alive connection turns out to be stale before any response byte arrives;
 * it cannot be switched off without rebuilding the HTTP client (do that with an
 * {@code OpenAiHttpClientBuilderCustomizer} when it matters).
 *
 * <p>Stateless and thread-safe.
 */
public final class SpringAiClientRetries {

    static final String OPENAI_CHAT_MODEL = "org.springframework.ai.openai.OpenAiChatModel";

    private SpringAiClientRetries() {
    }

    /**
     * The wrapped model's own retries per call: 0 when one call makes one HTTP request (what Cascade wants), more when
     * it retries on its own, empty when it cannot tell. Read from the model's SDK client when reachable (an
     * {@code OpenAiChatModel} built with {@code openAiClient(...)} may differ from its options), else from the
     * options' {@code getMaxRetries()} (OpenAI, Anthropic).
     */
    public static OptionalInt detect(ChatModel model) {
        Objects.requireNonNull(model, "model");
        for (String clientField : new String[] {"openAiClient", "anthropicClient"}) {
            int fromClient = Reflect.intValue(Reflect.call(Reflect.field(Reflect.field(model, clientField),
                    "clientOptions"), "maxRetries"));
            if (fromClient >= 0) {
                return OptionalInt.of(fromClient);
            }
        }
        ChatOptions options = options(model);
        int fromOptions = Reflect.intValue(Reflect.call(options, "getMaxRetries"));
        return fromOptions >= 0 ? OptionalInt.of(fromOptions) : OptionalInt.empty();
    }

    /**
     * A model that makes one HTTP request per call: {@code model} itself when it already does or when this method does
     * not know how to change it, otherwise a copy with the client library's retries off (see the class comment). Never
     * changes {@code model}.
     */
    public static ChatModel disable(ChatModel model) {
        Objects.requireNonNull(model, "model");
        OptionalInt retries = detect(model);
        if (retries.isPresent() && retries.getAsInt() == 0) {
            return model;
        }
        if (model.getClass().getName().equals(OPENAI_CHAT_MODEL)) {
            ChatModel copy = openAiWithoutRetries(model);
            if (copy != null) {
                return copy;
            }
        }
        return model;
    }

    /** The copy of an {@code OpenAiChatModel} over the same HTTP client with {@code maxRetries(0)}; null if it fails. */
    private static ChatModel openAiWithoutRetries(ChatModel model) {
        Object client = Reflect.field(model, "openAiClient");
        Object asyncClient = Reflect.field(model, "openAiClientAsync");
        Object observationRegistry = Reflect.field(model, "observationRegistry");
        Object toolCallingManager = Reflect.field(model, "toolCallingManager");
        Object convention = Reflect.field(model, "observationConvention");
        ChatOptions options = options(model);
        if (client == null || asyncClient == null || observationRegistry == null || toolCallingManager == null
                || options == null) {
            return null;
        }
        Consumer<Object> noRetries = b -> Reflect.call(b, "maxRetries", int.class, 0);
        Object singleClient = Reflect.call(client, "withOptions", Consumer.class, noRetries);
        Object singleAsync = Reflect.call(asyncClient, "withOptions", Consumer.class, noRetries);
        Object singleOptions = Reflect.call(Reflect.call(options.mutate(), "maxRetries", Integer.class, 0), "build");
        if (singleClient == null || singleAsync == null || singleOptions == null) {
            return null;
        }
        try {
            Class<?> type = model.getClass();
            Object b = type.getMethod("builder").invoke(null);
            b = with(b, "openAiClient", singleClient);
            b = with(b, "openAiClientAsync", singleAsync);
            b = with(b, "options", singleOptions);
            b = with(b, "observationRegistry", observationRegistry);
            b = with(b, "toolCallingManager", toolCallingManager);
            Object copy = b.getClass().getMethod("build").invoke(b);
            if (convention != null) {
                with(copy, "setObservationConvention", convention);
            }
            ChatModel result = (ChatModel) copy;
            return detect(result).orElse(-1) == 0 ? result : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // a Spring AI whose OpenAiChatModel differs from 2.0's: the caller keeps the model and warns
        }
    }

    /** Calls the one-argument public method {@code name} whose parameter accepts {@code value}. */
    private static Object with(Object target, String name, Object value) throws ReflectiveOperationException {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 1
                    && m.getParameterTypes()[0].isInstance(value)) {
                return m.invoke(target, value);
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + name + "(" + value.getClass().getName()
                + ")");
    }

    static ChatOptions options(ChatModel model) {
        try {
            return model.getOptions();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
