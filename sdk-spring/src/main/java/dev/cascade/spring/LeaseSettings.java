package dev.cascade.spring;

import java.math.BigDecimal;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.cascade.api.Money;
import dev.cascade.budget.LeasingBudgetLedger;
import dev.cascade.spi.CascadeListener;
import io.opentelemetry.api.metrics.Meter;

/**
 * Builds the {@code jdbc-leased} ledger from {@code cascade.ledger.lease.*}: each set value goes to the ledger's
 * builder, which checks it; a value it refuses stops startup with the full property named, the value and the rule.
 * Stateless.
 */
final class LeaseSettings {
    private static final String PREFIX = "cascade.ledger.lease.";

    private LeaseSettings() {
    }

    static LeasingBudgetLedger build(DataSource ds, CascadeProperties.Lease p, Meter meter, CascadeListener listener) {
        LeasingBudgetLedger.Builder b = LeasingBudgetLedger.builder(ds);
        set("instance-id", p.getInstanceId(), b::instanceId);
        set("flush-interval", p.getFlushInterval(), b::flushInterval);
        set("flush-batch", p.getFlushBatch(), b::flushBatch);
        set("expiry", p.getExpiry(), b::leaseExpiry);
        set("slice-fraction", p.getSliceFraction(), b::sliceFraction);
        set("slice-target", p.getSliceTarget(), b::sliceTarget);
        set("max-slice", p.getMaxSlice(), v -> b.maxSlice(usd(v)));
        set("mark-ahead", p.getMarkAhead(), b::markAhead);
        set("idle-return", p.getIdleReturn(), b::idleReturn);
        set("outage-allowance", p.getOutageAllowance(),
                v -> b.outagePolicy(LeasingBudgetLedger.OutagePolicy.allowance(usd(v))));
        if (meter != null) {
            b.meter(meter);
        }
        if (listener != null) {
            b.listener(listener);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) { // the one cross-field rule: expiry against the flush interval
            throw new CascadeConfigurationException(PREFIX + "expiry", p.getExpiry(), e.getMessage(),
                    "Set " + PREFIX + "expiry to at least 4 times " + PREFIX + "flush-interval.", e);
        }
    }

    private static Money usd(BigDecimal v) {
        return Money.usd(v);
    }

    private static <T> void set(String name, T value, Consumer<T> setter) {
        if (value == null) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CascadeConfigurationException(PREFIX + name, value, e.getMessage(),
                    "Fix " + PREFIX + name + " (see its description), or remove it to keep the default.", e);
        }
    }
}
