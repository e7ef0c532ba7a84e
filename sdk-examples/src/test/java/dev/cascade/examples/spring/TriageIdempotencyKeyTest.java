package dev.cascade.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The idempotency key scoped to its caller: no two (caller, key) pairs share a stored key. */
class TriageIdempotencyKeyTest {

    @Test
    void aSeparatorInTheKeyOrTheCallerCannotMakeTwoCallersShareAKey() {
        // Keys may contain '|' (any printable ASCII): a plain join would make these one key.
        assertThat(TriageController.scopedKey("user:alice", "x|y"))
                .isNotEqualTo(TriageController.scopedKey("user:alice|x", "y"));
        assertThat(TriageController.scopedKey("ip:10.0.0.1", "1:ip|k"))
                .isNotEqualTo(TriageController.scopedKey("ip:10.0.0.1|1:ip", "k"));
    }

    @Test
    void theSameCallerAndKeyAreTheSameScopedKey() {
        assertThat(TriageController.scopedKey("user:alice", "order-42"))
                .isEqualTo(TriageController.scopedKey("user:alice", "order-42"))
                .isNotEqualTo(TriageController.scopedKey("user:bob", "order-42"));
    }
}
