package dev.cascade.spi;

import dev.cascade.event.CircuitStateChanged;
import dev.cascade.event.RetryScheduled;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Events} tells the engine which optional events someone listens to, so it builds none that nobody would get
 * (breaker transitions, scheduled retries). Overriding counts wherever it happens in the listener's class hierarchy.
 */
class EventsTest {

    static class Nothing implements CascadeListener {
    }

    static class Retries implements CascadeListener {
        @Override
        public void onRetryScheduled(RetryScheduled event) {
        }
    }

    /** Inherits its override. */
    static final class RetriesToo extends Retries {
    }

    static final class Circuits implements CascadeListener {
        @Override
        public void onCircuitStateChanged(CircuitStateChanged event) {
        }
    }

    @Test
    void wantsOnlyTheEventsSomeListenerOverrides() {
        Events none = new Events(List.of(new Nothing()));
        assertThat(none.enabled()).isTrue();
        assertThat(none.wantsRetryEvents()).isFalse();
        assertThat(none.wantsCircuitEvents()).isFalse();

        Events retries = new Events(List.of(new Nothing(), new RetriesToo()));
        assertThat(retries.wantsRetryEvents()).isTrue();
        assertThat(retries.wantsCircuitEvents()).isFalse();

        Events circuits = new Events(List.of(new Circuits()));
        assertThat(circuits.wantsCircuitEvents()).isTrue();
        assertThat(circuits.wantsRetryEvents()).isFalse();

        Events empty = new Events(List.of());
        assertThat(empty.enabled()).isFalse();
        assertThat(empty.wantsRetryEvents()).isFalse();
    }
}
