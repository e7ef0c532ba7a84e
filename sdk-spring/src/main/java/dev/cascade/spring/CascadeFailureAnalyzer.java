package dev.cascade.spring;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;

/**
 * Explains why Cascade stopped the application from starting: the property at fault, what is wrong with it, and how to
 * fix it. Handles {@link dev.cascade.api.CascadeConfigurationException} (the starter's, which names the property, and the
 * core's, thrown by a chain built in code at startup) and Spring's own binding failures under {@code cascade.*}
 * (e.g. a duration such as {@code 10 seconds} that Spring cannot convert), ahead of Boot's generic analyzer so the
 * advice is specific. Registered in {@code META-INF/spring.factories}.
 */
public final class CascadeFailureAnalyzer implements FailureAnalyzer, Ordered {

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof dev.cascade.api.CascadeConfigurationException c) {
                return new FailureAnalysis("Cascade is misconfigured. " + (c.context() == null ? "" : c.context()
                        + ": ") + c.path() + ": " + c.problem(), c.fix(), c);
            }
            if (t instanceof BindException b && b.getName() != null && b.getName().toString().startsWith("cascade")) {
                return bindFailure(b);
            }
        }
        return null;
    }

    private static FailureAnalysis bindFailure(BindException b) {
        String property = b.getProperty() != null ? b.getProperty().getName().toString() : b.getName().toString();
        Object value = b.getProperty() != null ? b.getProperty().getValue() : null;
        String origin = b.getProperty() != null && b.getProperty().getOrigin() != null
                ? " (from " + b.getProperty().getOrigin() + ")" : "";
        Class<?> target = b.getTarget().getType().resolve(Object.class);
        String problem = "Cascade is misconfigured. " + property + ": cannot use the value '" + value + "'" + origin
                + " as " + target.getSimpleName() + ": " + rootMessage(b);
        String action;
        if (target == Duration.class) {
            action = "Set " + property + " to a duration such as 500ms, 10s, 2m or 1h (units: ns, us, ms, s, m, h,"
                    + " d), or an ISO-8601 duration such as PT10S.";
        } else if (target == java.math.BigDecimal.class) {
            action = "Set " + property + " to an amount in US dollars, such as 0.05 or 20.";
        } else if (target.isEnum()) {
            action = "Set " + property + " to one of " + java.util.Arrays.stream(target.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList()
                    + ".";
        } else if (Number.class.isAssignableFrom(target) || target.isPrimitive()) {
            action = "Set " + property + " to a number.";
        } else {
            action = "Fix " + property + " in your application properties; see the Cascade README for the keys.";
        }
        return new FailureAnalysis(problem, action, b);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
