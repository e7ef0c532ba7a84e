package dev.cascade;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelClient;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test model that plays a script: each call takes the next scripted step (the last one repeats), and counts calls.
 * A step either returns a response or throws. Thread-safe.
 */
final class ScriptedModel implements ModelClient {

    /** One scripted call. */
    @FunctionalInterface
    interface Step {
        ModelResponse play(ModelRequest request) throws Exception;
    }

    private final String provider;
    private final String model;
    private final Deque<Step> script = new ArrayDeque<>();
    private Step last;
    private final AtomicInteger calls = new AtomicInteger();

    ScriptedModel(String model) {
        this("test", model);
    }

    ScriptedModel(String provider, String model) {
        this.provider = provider;
        this.model = model;
    }

    /** A model that always answers {@code text} with 10 input / 5 output tokens. */
    static ScriptedModel answering(String model, String text) {
        return new ScriptedModel(model).then(r -> new ModelResponse(text, Usage.of(10, 5), "stop", model));
    }

    /** A model that always throws {@code error}. */
    static ScriptedModel failing(String model, Exception error) {
        return new ScriptedModel(model).then(r -> {
            throw error;
        });
    }

    synchronized ScriptedModel then(Step step) {
        script.addLast(step);
        return this;
    }

    /** Appends a step that answers {@code text}. */
    ScriptedModel thenAnswer(String text) {
        return then(r -> new ModelResponse(text, Usage.of(10, 5), "stop", model));
    }

    /** Appends a step that throws {@code error}. */
    ScriptedModel thenThrow(Exception error) {
        return then(r -> {
            throw error;
        });
    }

    @Override
    public ModelResponse call(ModelRequest request) throws Exception {
        calls.incrementAndGet();
        Step step;
        synchronized (this) {
            step = script.size() > 1 ? script.pollFirst() : script.peekFirst();
            if (step == null) {
                step = last;
            }
            last = step;
        }
        if (step == null) {
            throw new IllegalStateException("model '" + model + "' has no script");
        }
        return step.play(request);
    }

    int calls() {
        return calls.get();
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public String model() {
        return model;
    }
}
