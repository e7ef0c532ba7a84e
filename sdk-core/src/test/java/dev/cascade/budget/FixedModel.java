package dev.cascade.budget;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelClient;

/** A priced OpenAI model that always answers "{model} answer" with 400 input and 200 output tokens. */
final class FixedModel {
    private FixedModel() {
    }

    static ModelClient of(String model) {
        return new ModelClient() {
            @Override
            public ModelResponse call(ModelRequest request) {
                return new ModelResponse(model + " answer", Usage.of(400, 200), "stop", model);
            }

            @Override
            public String provider() {
                return "openai";
            }

            @Override
            public String model() {
                return model;
            }
        };
    }
}
