package dev.cascade.spring;

import java.util.concurrent.atomic.AtomicInteger;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;

/** A model client for context tests: answers a fixed text or fails with a fixed kind, and counts its calls. */
final class TestModel implements ModelClient {

    final String model;
    volatile String answer;
    volatile FailureKind failure;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger warmUps = new AtomicInteger();
    volatile ModelRequest lastRequest;

    private TestModel(String model, String answer, FailureKind failure) {
        this.model = model;
        this.answer = answer;
        this.failure = failure;
    }

    static TestModel answering(String model, String answer) {
        return new TestModel(model, answer, null);
    }

    static TestModel failing(String model, FailureKind kind) {
        return new TestModel(model, null, kind);
    }

    @Override
    public void warmUp() {
        warmUps.incrementAndGet();
    }

    @Override
    public ModelResponse call(ModelRequest request) throws ModelCallException {
        calls.incrementAndGet();
        lastRequest = request;
        if (failure != null) {
            throw new ModelCallException(failure, model + " fails with " + failure);
        }
        return new ModelResponse(answer, Usage.of(100, 20), "stop", model);
    }

    @Override
    public String provider() {
        return "openai";
    }

    @Override
    public String model() {
        return model;
    }
}
