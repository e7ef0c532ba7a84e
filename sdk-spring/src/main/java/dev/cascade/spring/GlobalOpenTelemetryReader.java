package dev.cascade.spring;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
 *   <li>absent (older API): a no-op, and one INFO line saying how to get telemetry: expose an {@code OpenTelemetry}
 *       bean (Boot's {@code spring-boot-starter-opentelemetry} does) or use a newer {@code opentelemetry-api}.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class GlobalOpenTelemetryReader {

    private static final Log LOG = LogFactory.getLog(GlobalOpenTelemetryReader.class);

    /** {@code GlobalOpenTelemetry.getOrNoop()} when the API on the class path has it, else {@code null}. */
    static final MethodHandle GET_OR_NOOP = findGetOrNoop();

    private GlobalOpenTelemetryReader() {
    }

    /** The global as it is now, never setting it; see the class comment. */
    static OpenTelemetry read() {
        return read(GET_OR_NOOP);
    }

    /** {@link #read()} with the lookup given, so a test can take the older API's path. */
    static OpenTelemetry read(MethodHandle getOrNoop) {
        if (getOrNoop == null) {
            LOG.info("Cascade telemetry is off: there is no OpenTelemetry bean, and this opentelemetry-api has no"
                    + " GlobalOpenTelemetry.getOrNoop() to read the global without fixing it to a no-op. To record"
                    + " spans and metrics, add spring-boot-starter-opentelemetry (or define an OpenTelemetry bean), or"
                    + " use a newer opentelemetry-api.");
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

    private static MethodHandle findGetOrNoop() {
        try {
            return MethodHandles.publicLookup().findStatic(GlobalOpenTelemetry.class, "getOrNoop",
                    MethodType.methodType(OpenTelemetry.class));
        } catch (NoSuchMethodException | IllegalAccessException e) {
            return null;
        }
    }
}
