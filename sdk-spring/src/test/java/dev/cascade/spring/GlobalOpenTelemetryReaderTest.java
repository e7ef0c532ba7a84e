package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cascade.telemetry.CascadeTelemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;

/**
 * The global is read without fixing it, on the API this build has (with getOrNoop) and on the older API Spring Boot
 * 4.0.x manages (without it; the consumer build in consumers/spring-boot proves that one at Boot's real version).
 */
class GlobalOpenTelemetryReaderTest {

    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().build();

    @BeforeEach
    @AfterEach
    void reset() {
        GlobalOpenTelemetry.resetForTest();
    }

    @AfterEach
    void close() {
        sdk.close();
    }

    @Test
    void thisBuildsApiHasGetOrNoopAndReadsTheGlobalSetBefore() {
        assertThat(GlobalOpenTelemetryReader.GET_OR_NOOP).isNotNull();
        GlobalOpenTelemetry.set(sdk);
        OpenTelemetry read = GlobalOpenTelemetryReader.read();
        assertThat(CascadeTelemetry.isNoop(read)).isFalse();
        assertThat(read.getTracerProvider()).isSameAs(GlobalOpenTelemetry.get().getTracerProvider());
    }

    @Test
    void withNothingSetTheReadIsANoopAndTheApplicationCanStillSetTheGlobal() {
        assertThat(CascadeTelemetry.isNoop(GlobalOpenTelemetryReader.read())).isTrue();
        assertThatCode(() -> GlobalOpenTelemetry.set(sdk)).doesNotThrowAnyException();
    }

    @Test
    void onAnApiWithoutGetOrNoopTheReadIsANoopAndNeverFixesTheGlobal() {
        assertThat(CascadeTelemetry.isNoop(GlobalOpenTelemetryReader.read(null))).isTrue();
        assertThatCode(() -> GlobalOpenTelemetry.set(sdk)).doesNotThrowAnyException();
    }

    @Test
    void onAnApiWithoutGetOrNoopWithTheAgentAttachedTheReadIsTheGlobalTheAgentSet() {
        GlobalOpenTelemetry.set(sdk); // what the agent does before the application starts
        OpenTelemetry read = GlobalOpenTelemetryReader.read(null, true);
        assertThat(CascadeTelemetry.isNoop(read)).isFalse();
        assertThat(read.getTracerProvider()).isSameAs(GlobalOpenTelemetry.get().getTracerProvider());
    }

    @Test
    void onAnApiWithoutGetOrNoopWithoutTheAgentTheReadIsANoop() {
        GlobalOpenTelemetry.set(sdk);
        assertThat(CascadeTelemetry.isNoop(GlobalOpenTelemetryReader.read(null, false))).isTrue();
    }
}
