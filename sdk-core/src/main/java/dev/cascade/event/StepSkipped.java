package dev.cascade.event;

import dev.cascade.api.Attempt;

/** Admission refused a step; the attempt carries the kind (CIRCUIT_OPEN, NO_PERMIT, ...) and the reason. */
public record StepSkipped(ExecutionInfo execution, Attempt attempt) {
}
