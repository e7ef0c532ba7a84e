package dev.cascade.event;

import dev.cascade.api.FailureKind;

/** A failure someone should act on (by default AUTH and QUOTA_EXHAUSTED): a bad key, an exhausted account. */
public record Alert(ExecutionInfo execution, String step, FailureKind kind, String message) {
}
