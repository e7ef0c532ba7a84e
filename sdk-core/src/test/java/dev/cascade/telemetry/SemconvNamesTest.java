package dev.cascade.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cascade's attribute names against the semantic-convention artifacts, so they cannot drift: every {@code gen_ai.*}
 * and {@code error.type} key in {@link CascadeAttributes} must be the constant of
 * {@code opentelemetry-semconv(-incubating)} with the same name and type.
 */
class SemconvNamesTest {

    /**
     * The opt-in content attributes. They are documented by the GenAI semantic conventions (v1.41) but are not in the
     * {@code opentelemetry-semconv-incubating} 1.40.0-alpha artifact (their type is structured, for which the Java
     * generator emits no {@code AttributeKey}), so their names are pinned here to the documented strings. Cascade
     * records them as JSON strings.
     */
    private static final Set<String> CONTENT_KEYS_V1_41 =
            Set.of("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions");

    @Test
    void eachGenAiAndErrorKeyIsTheSemconvConstant() {
        assertThat(CascadeAttributes.GEN_AI_OPERATION_NAME).isEqualTo(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME);
        assertThat(CascadeAttributes.GEN_AI_PROVIDER_NAME).isEqualTo(GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME);
        assertThat(CascadeAttributes.GEN_AI_REQUEST_MODEL).isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL);
        assertThat(CascadeAttributes.GEN_AI_RESPONSE_MODEL).isEqualTo(GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL);
        assertThat(CascadeAttributes.GEN_AI_REQUEST_MAX_TOKENS)
                .isEqualTo(GenAiIncubatingAttributes.GEN_AI_REQUEST_MAX_TOKENS);
        assertThat(CascadeAttributes.GEN_AI_USAGE_INPUT_TOKENS)
                .isEqualTo(GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS);
        assertThat(CascadeAttributes.GEN_AI_USAGE_OUTPUT_TOKENS)
                .isEqualTo(GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS);
        assertThat(CascadeAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS)
                .isEqualTo(GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
        assertThat(CascadeAttributes.GEN_AI_RESPONSE_FINISH_REASONS)
                .isEqualTo(GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS);
        assertThat(CascadeAttributes.GEN_AI_TOKEN_TYPE).isEqualTo(GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE);
        assertThat(CascadeAttributes.GEN_AI_PROMPT_NAME).isEqualTo(GenAiIncubatingAttributes.GEN_AI_PROMPT_NAME);
        assertThat(CascadeAttributes.ERROR_TYPE).isEqualTo(ErrorAttributes.ERROR_TYPE);

        // AttributeKey equality is name + type; say both explicitly so a failure reads clearly
        for (AttributeKey<?> k : List.of(CascadeAttributes.GEN_AI_USAGE_INPUT_TOKENS,
                CascadeAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, CascadeAttributes.GEN_AI_REQUEST_MAX_TOKENS)) {
            assertThat(k.getType()).as(k.getKey()).isEqualTo(AttributeType.LONG);
        }
        assertThat(CascadeAttributes.GEN_AI_RESPONSE_FINISH_REASONS.getType()).isEqualTo(AttributeType.STRING_ARRAY);

        assertThat(CascadeAttributes.OPERATION_CHAT).isEqualTo(GenAiOperationNameIncubatingValues.CHAT);
    }

    /** A reflective sweep, so a key added to CascadeAttributes later is held to the same rule. */
    @Test
    void everyGenAiOrErrorKeyInCascadeAttributesMatchesASemconvConstantByNameAndType() throws Exception {
        Map<String, AttributeKey<?>> semconv = new LinkedHashMap<>(publicKeys(GenAiIncubatingAttributes.class));
        semconv.put(ErrorAttributes.ERROR_TYPE.getKey(), ErrorAttributes.ERROR_TYPE);

        Map<String, AttributeKey<?>> ours = publicKeys(CascadeAttributes.class);
        assertThat(ours).isNotEmpty();
        int checked = 0;
        for (AttributeKey<?> key : ours.values()) {
            String name = key.getKey();
            if (!name.startsWith("gen_ai.") && !name.equals("error.type")) {
                assertThat(name).as("Cascade's own attributes live under cascade.*").startsWith("cascade.");
                continue;
            }
            checked++;
            if (CONTENT_KEYS_V1_41.contains(name)) {
                assertThat(key.getType()).as(name).isEqualTo(AttributeType.STRING);
                continue;
            }
            assertThat(semconv).as("semconv has no attribute named %s", name).containsKey(name);
            assertThat(key).as("%s (name and type)", name).isEqualTo(semconv.get(name));
        }
        assertThat(checked).isEqualTo(15);
    }

    @Test
    void theDeprecatedGenAiSystemAndOtherDeprecatedKeysAreNeverUsed() throws Exception {
        Map<String, AttributeKey<?>> ours = publicKeys(CascadeAttributes.class);
        assertThat(ours).doesNotContainKey("gen_ai.system");
        assertThat(ours.values()).doesNotContain(GenAiIncubatingAttributes.GEN_AI_SYSTEM);

        for (Field f : GenAiIncubatingAttributes.class.getFields()) {
            if (f.isAnnotationPresent(Deprecated.class) && f.get(null) instanceof AttributeKey<?> deprecated) {
                assertThat(ours).as("CascadeAttributes uses the deprecated %s", deprecated.getKey())
                        .doesNotContainKey(deprecated.getKey());
            }
        }
    }

    @Test
    void theOptInContentKeysHaveTheDocumentedV141Names() throws Exception {
        assertThat(CascadeAttributes.GEN_AI_INPUT_MESSAGES.getKey()).isEqualTo("gen_ai.input.messages");
        assertThat(CascadeAttributes.GEN_AI_OUTPUT_MESSAGES.getKey()).isEqualTo("gen_ai.output.messages");
        assertThat(CascadeAttributes.GEN_AI_SYSTEM_INSTRUCTIONS.getKey()).isEqualTo("gen_ai.system_instructions");
        assertThat(List.of(CascadeAttributes.GEN_AI_INPUT_MESSAGES, CascadeAttributes.GEN_AI_OUTPUT_MESSAGES,
                CascadeAttributes.GEN_AI_SYSTEM_INSTRUCTIONS)).extracting(AttributeKey::getType)
                .containsOnly(AttributeType.STRING);

        // Pins the premise of the comment above: if a later artifact adds them, compare with its constants instead.
        assertThat(publicKeys(GenAiIncubatingAttributes.class)).doesNotContainKeys(
                CONTENT_KEYS_V1_41.toArray(String[]::new));
    }

    @Test
    void bucketBoundariesAreTheSemconvAdvice() {
        // gen_ai.client.token.usage: ExplicitBucketBoundaries [1, 4, 16, ..., 67108864] (powers of 4)
        assertThat(CascadeAttributes.TOKEN_USAGE_BUCKETS).containsExactly(1L, 4L, 16L, 64L, 256L, 1024L, 4096L,
                16384L, 65536L, 262144L, 1048576L, 4194304L, 16777216L, 67108864L);
        // gen_ai.client.operation.duration: ExplicitBucketBoundaries [0.01, 0.02, ..., 81.92] seconds (doubling)
        assertThat(CascadeAttributes.OPERATION_DURATION_BUCKETS).containsExactly(0.01, 0.02, 0.04, 0.08, 0.16,
                0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    }

    @Test
    void metricNamesAreTheSemconvNames() {
        assertThat(CascadeAttributes.METRIC_TOKEN_USAGE).isEqualTo("gen_ai.client.token.usage");
        assertThat(CascadeAttributes.METRIC_OPERATION_DURATION).isEqualTo("gen_ai.client.operation.duration");
    }

    private static Map<String, AttributeKey<?>> publicKeys(Class<?> type) throws IllegalAccessException {
        Map<String, AttributeKey<?>> keys = new LinkedHashMap<>();
        for (Field f : type.getFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) && AttributeKey.class.isAssignableFrom(f.getType())) {
                AttributeKey<?> k = (AttributeKey<?>) f.get(null);
                AttributeKey<?> previous = keys.put(k.getKey(), k);
                assertThat(previous).as("%s declares %s twice", type.getSimpleName(), k.getKey()).isNull();
            }
        }
        return keys;
    }
}
