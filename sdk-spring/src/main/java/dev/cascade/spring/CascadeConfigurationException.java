package dev.cascade.spring;

/**
 * A Cascade setting that cannot work, named by its full property ({@code cascade.chains.triage.steps[1].retry
 * .max-attempts}). Thrown while the application context starts, so the application does not start with a chain that
 * would fail later; {@link CascadeFailureAnalyzer} turns it into Spring Boot's startup report.
 *
 * <p>The core's {@link dev.cascade.api.CascadeConfigurationException} with the property as its {@link #path() path}: the
 * starter builds chains through the core builder, which checks every rule, and translates the core's field path
 * ({@code steps[1].retry.maxAttempts}) to the property; catch the core type to handle both. Immutable.
 */
public class CascadeConfigurationException extends dev.cascade.api.CascadeConfigurationException {

    private static final long serialVersionUID = 2L;

    /**
     * @param property the full property name, e.g. {@code cascade.chains.triage.steps[0].model}
     * @param problem  what is wrong with its value
     * @param action   how to fix it
     */
    public CascadeConfigurationException(String property, String problem, String action) {
        this(property, null, problem, action, null);
    }

    /** As above, with the underlying error. */
    public CascadeConfigurationException(String property, String problem, String action, Throwable cause) {
        this(property, null, problem, action, cause);
    }

    /** As above, with the rejected value. */
    public CascadeConfigurationException(String property, Object value, String problem, String action,
                                         Throwable cause) {
        super(property, value, problem, action, cause);
    }

    /** The property at fault: the same as {@link #path()}. */
    public String property() {
        return path();
    }

    /** How to fix it: the same as {@link #fix()}. */
    public String action() {
        return fix();
    }
}
