package dev.cascade.telemetry;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;

import java.util.concurrent.atomic.AtomicInteger;

/** A tiny local model fake for the telemetry tests: a fixed provider and model, and a behaviour per call. */
final class FakeModel implements ModelClient {

    @FunctionalInterface
    interface Behavior {
        ModelResponse call(ModelRequest request, int callNumber) throws Exception;
    }

    private final String provider;
    private final String model;
    private final Behavior behavior;
    private final AtomicInteger calls = new AtomicInteger();

    FakeModel(String provider, String model, Behavior behavior) {
        this.provider = provider;
        this.model = model;
        this.behavior = behavior;
    }

    /** Always fails with {@code kind} and {@code message}. */
    static FakeModel failing(String provider, String model, FailureKind kind, String message) {
        return new FakeModel(provider, model, (r, n) -> {
            throw new ModelCallException(kind, message);
        });
    }

    /** Always answers {@code response}. */
    static FakeModel answering(String provider, String model, ModelResponse response) {
        return new FakeModel(provider, model, (r, n) -> response);
    }

    @Override
    public ModelResponse call(ModelRequest request) throws Exception {
        return behavior.call(request, calls.incrementAndGet());
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
