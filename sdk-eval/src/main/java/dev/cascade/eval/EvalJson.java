package dev.cascade.eval;

import dev.cascade.api.Money;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSON for evaluation results, run summaries and ROI reports. Money is written as a plain decimal number of US dollars
 * ({@code 0.000066}), times as ISO-8601 text, durations as milliseconds; unknown fields are ignored on reading so
 * newer files stay readable. Thread-safe.
 */
public final class EvalJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("cascade-eval")
                    .addSerializer(Money.class, new MoneySerializer())
                    .addDeserializer(Money.class, new MoneyDeserializer()))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EvalJson() {
    }

    /** The configured mapper (for callers that serialise these types inside their own documents). */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** {@code value} as indented JSON. */
    public static String toJson(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /**
     * Reads {@code json} as a {@code type}.
     *
     * @throws IllegalArgumentException naming the type and Jackson's reason when it does not fit
     */
    public static <T> T fromJson(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + " JSON document: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Writes {@code value} to {@code file} as UTF-8 JSON, replacing it. */
    public static void write(Object value, Path file) {
        try {
            Files.writeString(file, toJson(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a {@code type} from the UTF-8 JSON file {@code file}. */
    public static <T> T read(Path file, Class<T> type) {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return fromJson(json, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static final class MoneySerializer extends StdSerializer<Money> {
        MoneySerializer() {
            super(Money.class);
        }

        @Override
        public void serialize(Money value, JsonGenerator gen, SerializationContext ctxt) throws JacksonException {
            gen.writeNumber(value.toUsd().stripTrailingZeros().toPlainString());
        }
    }

    private static final class MoneyDeserializer extends StdDeserializer<Money> {
        MoneyDeserializer() {
            super(Money.class);
        }

        @Override
        public Money deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
            BigDecimal usd;
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                usd = new BigDecimal(p.getString().trim());
            } else {
                usd = p.getDecimalValue();
            }
            return Money.usd(usd);
        }
    }
}
