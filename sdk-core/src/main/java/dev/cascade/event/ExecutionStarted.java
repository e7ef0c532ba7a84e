package dev.cascade.event;

/** An execution began; {@code firstStep} is where the router sent it. */
public record ExecutionStarted(ExecutionInfo execution, String firstStep) {
}
