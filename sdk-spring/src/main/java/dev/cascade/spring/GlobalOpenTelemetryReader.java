package dev.cascade.spring;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.ClassUtils;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Reads {@link GlobalOpenTelemetry} for the auto-configuration without ever fixing it to a no-op, at any
 * OpenTelemetry API version a Spring Boot application may bring.
 *
 * <p>Why this exists: {@code GlobalOpenTelemetry.get()} sets the global to a no-op when nothing is set yet, after
 * which the application's own {@code GlobalOpenTelemetry.set(...)} fails. Newer APIs have
 * {@code GlobalOpenTelemetry.getOrNoop()}, which does not; but Spring Boot 4.0.x manages OpenTelemetry 1.55.0, which
 * lacks it, and an application on {@code spring-boot-starter-parent} gets Boot's version whatever Cascade was built
 * against (Boot's dependency management overrides the versions a starter's pom declares). Cascade therefore compiles
 * only against API that 1.55.0 has, and looks {@code getOrNoop} up at run time:
 * <ul>
 *   <li>present: the global as it is now (set by the OpenTelemetry Java agent or by the application before the
 *       context starts), else a no-op, leaving the global free;</li>
 *   <li>absent (older API) and the OpenTelemetry Java agent attached: {@code GlobalOpenTelemetry.get()}, which
 *       fixes nothing, as the agent set the global before the application started;</li>
 *   <li>absent, no agent: a no-op, and one INFO line saying how to get spans: expose an {@code OpenTelemetry}
 *       bean (Boot's {@code spring-boot-starter-opentelemetry} does), attach the agent, or use a newer
 *       {@code opentelemetry-api}. Cascade's metrics still reach Micrometer when the application has a registry.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class GlobalOpenTelemetryReader {

    private static final Log LOG = LogFactory.getLog(GlobalOpenTelemetryReader.class);

    /** {@code GlobalOpenTelemetry.getOrNoop()} when the API on the class path has it, else {@code null}. */
    static final MethodHandle GET_OR_NOOP = findGetOrNoop();

    /** The OpenTelemetry Java agent's main class, on the system class loader when the agent is attached. */
    static final String AGENT_CLASS = "io.opentelemetry.javaagent.OpenTelemetryAgent";

    private GlobalOpenTelemetryReader() {
    }

    /** The global as it is now, never setting it; see the class comment. */
    static OpenTelemetry read() {
        return read(GET_OR_NOOP, agentAttached());
    }

    /** {@link #read()} with the lookup given, so a test can take the older API's path. */
    static OpenTelemetry read(MethodHandle getOrNoop) {
        return read(getOrNoop, agentAttached());
    }

    /** {@link #read()} with the lookup and the agent's presence given, so a test can take every path. */
    static OpenTelemetry read(MethodHandle getOrNoop, boolean agentAttached) {
        if (getOrNoop == null) {
            if (agentAttached) {
                // The agent set the global before the application started: get() returns it and fixes nothing.
                return GlobalOpenTelemetry.get();
            }
            LOG.info("Cascade records no spans: there is no OpenTelemetry bean, no OpenTelemetry Java agent, and this"
                    + " opentelemetry-api has no GlobalOpenTelemetry.getOrNoop() to read the global without fixing it"
                    + " to a no-op. Cascade's metrics still go to Micrometer when the application has a MeterRegistry."
                    + " To record spans, add spring-boot-starter-opentelemetry (or define an OpenTelemetry bean),"
                    + " attach the OpenTelemetry Java agent, or use a newer opentelemetry-api.");
            return OpenTelemetry.noop();
        }
        try {
            return (OpenTelemetry) getOrNoop.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("GlobalOpenTelemetry.getOrNoop() failed", e);
        }
    }

    /** Whether the OpenTelemetry Java agent is attached (its class is on the system class loader). */
    static boolean agentAttached() {
        return ClassUtils.isPresent(AGENT_CLASS, ClassLoader.getSystemClassLoader());
    }

    private static MethodHandle findGetOrNoop() {
        try {
            return MethodHandles.publicLookup().findStatic(GlobalOpenTelemetry.class, "getOrNoop",
                    MethodType.methodType(OpenTelemetry.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
