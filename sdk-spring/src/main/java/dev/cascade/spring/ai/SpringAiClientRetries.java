package dev.cascade.spring.ai;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Optional;
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
 * <p><b>OkHttp's connection retry.</b> Spring AI 2.0.1 builds its {@code SpringAiOpenAiHttpClient} with OkHttp's
 * {@code retryOnConnectionFailure(true)}: when a pooled keep-alive connection is closed or reset before any response
 * byte, OkHttp re-sends the POST on a new connection, so one attempt is two requests, invisible to breaker, limiter
 * and budget, and possibly billed twice. The copy's SDK clients therefore also get a {@code SpringAiOpenAiHttpClient}
 * over {@code okHttpClient.newBuilder().retryOnConnectionFailure(false)} (same connection pool, dispatcher,
 * interceptors and timeouts), made through its private constructor. Where that is not possible (another HTTP client,
 * another Spring AI, a closed module), {@link SpringAiModelClient#warnings()} says the model may re-send requests;
 * {@link #connectionRetries} tells either way.
 *
 * <p>Stateless and thread-safe.
 */
public final class SpringAiClientRetries {

    static final String OPENAI_CHAT_MODEL = "org.springframework.ai.openai.OpenAiChatModel";
    static final String SPRING_AI_OKHTTP_CLIENT = "org.springframework.ai.openai.http.okhttp.SpringAiOpenAiHttpClient";
    static final String OPENAI_HTTP_CLIENT = "com.openai.core.http.HttpClient";

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
        if (retries.isPresent() && retries.getAsInt() == 0 && !connectionRetries(model).orElse(false)) {
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
        Object singleClient = Reflect.call(client, "withOptions", Consumer.class, noRetries(client));
        Object singleAsync = Reflect.call(asyncClient, "withOptions", Consumer.class, noRetries(asyncClient));
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
            // A copy whose SDK retries are off is kept even if OkHttp's connection retry could not be turned off:
            // SpringAiModelClient.warnings() reports that one.
            return detect(result).orElse(-1) == 0 ? result : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // a Spring AI whose OpenAiChatModel differs from 2.0's: the caller keeps the model and warns
        }
    }

    /**
     * What the copy's SDK client options get: {@code maxRetries(0)} and, when the SDK client runs on Spring AI's
     * OkHttp client with {@code retryOnConnectionFailure} on, that HTTP client rebuilt with it off (sharing its
     * connection pool, dispatcher and interceptors). Spring AI 2.0.1's {@code SpringAiOpenAiHttpClient.Builder} turns
     * it on, and OkHttp then re-sends a POST once when a pooled keep-alive connection is closed or reset before any
     * response byte: two requests for one attempt, invisible to breaker, limiter and budget.
     */
    private static Consumer<Object> noRetries(Object sdkClient) {
        Object singleRequest = singleRequestHttpClient(sdkClient);
        Class<?> httpClientType = singleRequest == null ? null : httpClientType(singleRequest);
        return b -> {
            Reflect.call(b, "maxRetries", int.class, 0);
            if (httpClientType != null) {
                Reflect.call(b, "httpClient", httpClientType, singleRequest);
            }
        };
    }

    private static Class<?> httpClientType(Object httpClient) {
        try {
            return Class.forName(OPENAI_HTTP_CLIENT, false, httpClient.getClass().getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /**
     * A {@code SpringAiOpenAiHttpClient} over the SDK client's OkHttp client with {@code retryOnConnectionFailure}
     * off, or {@code null} when it is off already or the HTTP client is another kind (then nothing is changed, and
     * {@link #connectionRetries} tells). Made through the class's private constructor, which Spring AI 2.0.1 does not
     * expose otherwise (its builder turns the retry on and builds a new pool).
     */
    private static Object singleRequestHttpClient(Object sdkClient) {
        Object http = springAiHttpClient(sdkClient);
        if (http == null) {
            return null;
        }
        Object okHttp = Reflect.call(http, "getOkHttpClient");
        if (okHttp == null || !Boolean.TRUE.equals(Reflect.call(okHttp, "retryOnConnectionFailure"))) {
            return null;
        }
        try {
            Object b = okHttp.getClass().getMethod("newBuilder").invoke(okHttp);
            b.getClass().getMethod("retryOnConnectionFailure", boolean.class).invoke(b, false);
            Object single = b.getClass().getMethod("build").invoke(b);
            for (Constructor<?> c : http.getClass().getDeclaredConstructors()) {
                if (c.getParameterCount() == 2 && c.getParameterTypes()[0].isInstance(single)
                        && c.getParameterTypes()[1] == boolean.class) {
                    c.setAccessible(true);
                    // false: the dispatcher's executor stays the original client's to shut down.
                    return c.newInstance(single, false);
                }
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null; // another Spring AI, or a closed module: the model keeps the retry and warnings() says so
        }
    }

    /**
     * Whether the model's HTTP client re-sends a request on its own when a pooled connection fails before any
     * response byte (OkHttp's {@code retryOnConnectionFailure}): empty when it cannot tell (not an
     * {@code OpenAiChatModel} on an OkHttp client).
     */
    public static Optional<Boolean> connectionRetries(ChatModel model) {
        Objects.requireNonNull(model, "model");
        Object http = springAiHttpClient(Reflect.field(model, "openAiClient"));
        Object okHttp = http == null ? null : Reflect.call(http, "getOkHttpClient");
        Object on = okHttp == null ? null : Reflect.call(okHttp, "retryOnConnectionFailure");
        return on instanceof Boolean b ? Optional.of(b) : Optional.empty();
    }

    /**
     * The {@code SpringAiOpenAiHttpClient} under an SDK client: its options' HTTP client as given to the builder,
     * which the SDK wraps in a {@code PhantomReachableClosingHttpClient} (field {@code httpClient}); null when it is
     * another kind.
     */
    private static Object springAiHttpClient(Object sdkClient) {
        Object http = Reflect.field(Reflect.field(sdkClient, "clientOptions"), "originalHttpClient");
        for (int depth = 0; http != null && depth < 3; depth++) {
            if (http.getClass().getName().equals(SPRING_AI_OKHTTP_CLIENT)) {
                return http;
            }
            http = Reflect.field(http, "httpClient");
        }
        return null;
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
