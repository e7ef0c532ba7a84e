package dev.cascade.api;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Per-execution facts the caller knows: the tenant the request belongs to, an idempotency key (used by the review
 * queue so a resubmitted request is not queued twice), and free-form attributes for listeners and custom steps.
 * Immutable and thread-safe.
 */
public final class CallContext {
    private static final CallContext EMPTY = new CallContext(null, null, Map.of());

    private final String tenant;
    private final String idempotencyKey;
    private final Map<String, String> attributes;

    private CallContext(String tenant, String idempotencyKey, Map<String, String> attributes) {
        this.tenant = tenant;
        this.idempotencyKey = idempotencyKey;
        this.attributes = attributes;
    }

    /** No tenant, no key, no attributes. */
    public static CallContext empty() {
        return EMPTY;
    }

    public CallContext withTenant(String tenant) {
        return new CallContext(requireText(tenant, "tenant"), idempotencyKey, attributes);
    }

    public CallContext withIdempotencyKey(String key) {
        return new CallContext(tenant, requireText(key, "idempotencyKey"), attributes);
    }

    public CallContext withAttributes(Map<String, String> attributes) {
        return new CallContext(tenant, idempotencyKey, Map.copyOf(Objects.requireNonNull(attributes, "attributes")));
    }

    public Optional<String> tenant() {
        return Optional.ofNullable(tenant);
    }

    public Optional<String> idempotencyKey() {
        return Optional.ofNullable(idempotencyKey);
    }

    public Map<String, String> attributes() {
        return attributes;
    }

    private static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank, was " + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }
}
