package dev.cascade.examples.spring;

/**
 * The body of {@code POST /triage}.
 *
 * @param ticket the support ticket's text; required, not blank
 */
public record TriageRequest(String ticket) {
}
