package dev.cascade.testing;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelClient;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process {@link ModelClient} that plays a script, for testing a chain without any network: each call takes the
 * next scripted step, and once the script runs out its last step repeats. A step answers, throws, or does anything a
 * {@link Step} lambda does (spend {@link VirtualTime}, look at the request, ...).
 *
 * <pre>{@code
 * ScriptedModel advanced = new ScriptedModel("advanced")
 *         .thenThrow(new IOException("connection reset"))   // first call
 *         .thenAnswer("hello");                             // second call, and every later one
 * ...
 * assertEquals(2, advanced.calls());
 * }</pre>
 *
 * <p>Defaults: provider {@code "test"}; answers report {@link #INPUT_TOKENS} input and {@link #OUTPUT_TOKENS} output
 * tokens, finish reason {@code "stop"}, and the model name given. A model with an empty script fails every call with
 * an {@link IllegalStateException}. Exceptions are thrown as given, so a chain classifies them as it would a real
 * client's (an {@link java.io.IOException} is {@code UNAVAILABLE}, a
 * {@link java.util.concurrent.TimeoutException} {@code TIMEOUT}, ...).
 *
 * <p>Thread-safe: scripting and calls may come from any thread; the steps are handed out in call order.
 */
public final class ScriptedModel implements ModelClient {

    /** Input tokens an answer from {@link #thenAnswer}/{@link #answering} reports. */
    public static final int INPUT_TOKENS = 10;
    /** Output tokens an answer from {@link #thenAnswer}/{@link #answering} reports. */
    public static final int OUTPUT_TOKENS = 5;

    /** One scripted call: returns the response or throws. */
    @FunctionalInterface
    public interface Step {
        /** Plays the call for {@code request}. */
        ModelResponse play(ModelRequest request) throws Exception;
    }

    private final String provider;
    private final String model;
    private final Deque<Step> script = new ArrayDeque<>();
    private final List<ModelRequest> requests = new ArrayList<>();
    private Step last;
    private final AtomicInteger calls = new AtomicInteger();

    /** A model named {@code model} from provider {@code "test"}, with an empty script. */
    public ScriptedModel(String model) {
        this("test", model);
    }

    /** A model named {@code model} from {@code provider} (as telemetry reports it), with an empty script. */
    public ScriptedModel(String provider, String model) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.model = Objects.requireNonNull(model, "model");
    }

    /** A model that always answers {@code text}. */
    public static ScriptedModel answering(String model, String text) {
        return new ScriptedModel(model).thenAnswer(text);
    }

    /** A model that always throws {@code error}. */
    public static ScriptedModel failing(String model, Exception error) {
        return new ScriptedModel(model).thenThrow(error);
    }

    /** Appends a step. */
    public synchronized ScriptedModel then(Step step) {
        script.addLast(Objects.requireNonNull(step, "step"));
        return this;
    }

    /** Appends a step that answers {@code text}. */
    public ScriptedModel thenAnswer(String text) {
        Objects.requireNonNull(text, "text");
        return then(r -> answer(text));
    }

    /** Appends a step that throws {@code error}. */
    public ScriptedModel thenThrow(Exception error) {
        Objects.requireNonNull(error, "error");
        return then(r -> {
            throw error;
        });
    }

    /**
     * Appends a step that spends {@code latency} on {@code time} and then answers {@code text}. With
     * {@link VirtualTime} no real time passes, and a step timeout shorter than {@code latency} ends the call as a
     * timeout at exactly the timeout.
     */
    public ScriptedModel thenAnswerAfter(Duration latency, VirtualTime time, String text) {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(text, "text");
        return then(r -> {
            time.sleep(latency.toNanos());
            return answer(text);
        });
    }

    @Override
    public ModelResponse call(ModelRequest request) throws Exception {
        calls.incrementAndGet();
        Step step;
        synchronized (this) {
            requests.add(request);
            step = script.size() > 1 ? script.pollFirst() : script.peekFirst();
            if (step == null) {
                step = last;
            }
            last = step;
        }
        if (step == null) {
            throw new IllegalStateException("ScriptedModel '" + model + "' has no script: add a step with "
                    + "thenAnswer(...), thenThrow(...) or then(...)");
        }
        return step.play(request);
    }

    /** How many times {@link #call} ran. */
    public int calls() {
        return calls.get();
    }

    /** Every request received so far, in order. */
    public synchronized List<ModelRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public String toString() {
        return "ScriptedModel[" + provider + "/" + model + ", calls=" + calls.get() + "]";
    }

    private ModelResponse answer(String text) {
        return new ModelResponse(text, Usage.of(INPUT_TOKENS, OUTPUT_TOKENS), "stop", model);
    }
}
