package dev.cascade.spring;

import java.util.Objects;

/**
 * A Cascade setting that cannot work. Thrown while the application context starts, so the application does not start
 * with a chain that would fail later; {@link CascadeFailureAnalyzer} turns it into Spring Boot's startup report.
 */
public class CascadeConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String action;

    /**
     * @param property the full property name, e.g. {@code cascade.chains.triage.steps[0].model}
     * @param problem  what is wrong with its value
     * @param action   how to fix it
     */
    public CascadeConfigurationException(String property, String problem, String action) {
        this(property, problem, action, null);
    }

    /** As above, with the underlying error. */
    public CascadeConfigurationException(String property, String problem, String action, Throwable cause) {
        super(Objects.requireNonNull(property, "property") + ": " + Objects.requireNonNull(problem, "problem"), cause);
        this.property = property;
        this.action = Objects.requireNonNull(action, "action");
    }

    /** The property at fault. */
    public String property() {
        return property;
    }

    /** How to fix it. */
    public String action() {
        return action;
    }
}
