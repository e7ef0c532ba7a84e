package dev.cascade.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.cascade.shadow.ShadowReport;
import dev.cascade.spring.CascadeChains;

/**
 * {@code /actuator/cascade}: every chain with its description, steps and breaker states, spend and remaining budget,
 * and review queue depth; {@code /actuator/cascade/{chain}} for one chain.
 *
 * <p>One write operation, over HTTP only: {@code POST /actuator/cascade/{chain}/{step}} with
 * {@code {"action":"reset"}} (or {@code close}, {@code open}) changes a step's breaker (see
 * {@link CascadeEndpointWebExtension}). Writes are off by default ({@link Access#READ_ONLY}); turned on with
 * {@code management.endpoint.cascade.access=unrestricted}, they also need the operator role
 * ({@code management.endpoint.cascade.operator-role}, default {@code CASCADE_OPERATOR}).
 */
@Endpoint(id = "cascade", defaultAccess = Access.READ_ONLY)
public class CascadeEndpoint {

    private final CascadeChains chains;

    public CascadeEndpoint(CascadeChains chains) {
        this.chains = chains;
    }

    /** All chains. */
    @ReadOperation
    public Map<String, Object> chains() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> each = new LinkedHashMap<>();
        for (CascadeChains.Entry e : chains.entries()) {
            each.put(e.name(), describe(e));
        }
        out.put("chains", each);
        return out;
    }

    /** One chain; {@code null} (404) if there is no such chain. */
    @ReadOperation
    public Map<String, Object> chain(@Selector String chain) {
        return chains.find(chain).isPresent() ? describe(chains.entry(chain)) : null;
    }

    /** Each shadow candidate's live summary, by name: samples, agreement, cost (USD), latency (ms), losses. */
    static Map<String, Object> shadows(java.util.List<ShadowReport> reports) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ShadowReport r : reports) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("share", r.share());
            m.put("executions", r.executions());
            m.put("sampled", r.sampled());
            m.put("compared", r.compared());
            m.put("agreements", r.agreements());
            m.put("agreementRate", r.agreementRate());
            m.put("meanScore", r.meanScore());
            m.put("costUsd", r.cost().toUsd());
            m.put("inputTokens", r.inputTokens());
            m.put("outputTokens", r.outputTokens());
            m.put("meanLatencyMs", r.meanLatency().toMillis());
            m.put("maxLatencyMs", r.maxLatency().toMillis());
            m.put("errors", r.errors());
            m.put("notComparable", r.notComparable());
            m.put("rateLimited", r.rateLimited());
            m.put("dropped", r.dropped());
            m.put("overBudget", r.overBudget());
            m.put("pending", r.pending());
            out.put(r.candidate(), m);
        }
        return out;
    }

    static Map<String, Object> describe(CascadeChains.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", ChainStatus.level(e).name());
        m.put("description", e.chain().describe().toString());
        m.put("deadline", e.chain().describe().deadline());
        m.put("steps", ChainStatus.steps(e));
        m.put("budget", ChainStatus.budget(e));
        e.chain().cache().ifPresent(c -> m.put("cache", ChainStatus.cache(c)));
        ChainStatus.reviewDepth(e).ifPresent(d -> m.put("reviewQueueDepth", d));
        if (!e.chain().shadows().isEmpty()) {
            m.put("shadows", shadows(e.chain().shadows()));
        }
        return m;
    }
}
