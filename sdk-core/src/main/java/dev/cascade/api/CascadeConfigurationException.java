package dev.cascade.api;

import dev.cascade.CascadeBuilder;
import java.util.Objects;

/**
 * A configuration that cannot work, refused while it is built: the one exception every build-time check of Cascade
 * throws (spec builders, {@link CascadeBuilder#build()}, {@link dev.cascade.budget.Budget.Builder}, the Spring Boot
 * starter's properties).
 *
 * <p>It names the field by its <b>path</b> from the chain, the rejected <b>value</b>, the <b>problem</b> and the
 * <b>fix</b>. Paths use the builder's own names and step positions, e.g. {@code steps[1].retry.maxAttempts},
 * {@code deadline}, {@code lastResort.maxWait}, {@code budget.perRequest}: the position (0-based, in the order the
 * steps were added) and not the step's name, because a position maps one-to-one onto a configuration file's list
 * ({@code cascade.chains.triage.steps[1].retry.max-attempts}); the message names the chain and the step as well. An
 * error thrown by a spec built on its own (e.g. {@code RetrySpec.custom().maxAttempts(0)}) carries the spec-relative
 * path ({@code retry.maxAttempts}); a chain builder that wraps it adds the chain, step and position.
 *
 * <p>The message reads {@code <context>: <path>: <problem>. Fix: <fix>}, e.g. {@code chain 'triage', model step
 * 'advanced': steps[1].retry.maxAttempts: must be in [1, 100], was 0. Fix: use 1 to 100 attempts (1 = no retries).}
 * Immutable, so thread-safe.
 */
public class CascadeConfigurationException extends CascadeException {
    private static final long serialVersionUID = 1L;

    private final String context;
    private final String path;
    private final transient Object value;
    private final String problem;
    private final String fix;

    /**
     * @param path    the field's path, e.g. {@code retry.maxAttempts} or a full property name
     * @param value   the rejected value, or {@code null} when the problem is a missing value
     * @param problem what is wrong, naming the value, e.g. {@code must be in [1, 100], was 0}
     * @param fix     how to fix it, e.g. {@code use 1 to 100 attempts}
     */
    public CascadeConfigurationException(String path, Object value, String problem, String fix) {
        this(null, path, value, problem, fix, null);
    }

    /** As {@link #CascadeConfigurationException(String, Object, String, String)}, with the underlying error. */
    public CascadeConfigurationException(String path, Object value, String problem, String fix, Throwable cause) {
        this(null, path, value, problem, fix, cause);
    }

    private CascadeConfigurationException(String context, String path, Object value, String problem, String fix,
                                          Throwable cause) {
        super(message(context, path, problem, fix), cause);
        this.context = context;
        this.path = Objects.requireNonNull(path, "path");
        this.value = value;
        this.problem = Objects.requireNonNull(problem, "problem");
        this.fix = Objects.requireNonNull(fix, "fix");
    }

    private static String message(String context, String path, String problem, String fix) {
        String text = (context == null ? "" : context + ": ") + path + ": " + problem;
        return text + (text.endsWith(".") ? " " : ". ") + "Fix: " + fix;
    }

    /**
     * This error seen from an enclosing configuration: {@code pathPrefix} goes in front of the path (with a dot), and
     * {@code context} (e.g. {@code chain 'triage', model step 'advanced'}) replaces the context. The result's cause is
     * this exception's cause.
     */
    public CascadeConfigurationException within(String context, String pathPrefix) {
        String p = pathPrefix == null || pathPrefix.isEmpty() ? path : pathPrefix + "." + path;
        CascadeConfigurationException e =
                new CascadeConfigurationException(context, p, value, problem, fix, getCause());
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** The field's path, e.g. {@code steps[1].retry.maxAttempts}. */
    public String path() {
        return path;
    }

    /** The rejected value, or {@code null} when the problem is a missing value. */
    public Object value() {
        return value;
    }

    /** What is wrong, without the path or the fix. */
    public String problem() {
        return problem;
    }

    /** How to fix it. */
    public String fix() {
        return fix;
    }

    /** Where the path starts, e.g. {@code chain 'triage', model step 'advanced'}; {@code null} if not known. */
    public String context() {
        return context;
    }
}
