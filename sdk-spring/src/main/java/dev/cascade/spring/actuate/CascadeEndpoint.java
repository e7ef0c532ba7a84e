package dev.cascade.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.cascade.spring.CascadeChains;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * {@code /actuator/cascade}: every chain with its description, steps and breaker states, spend and remaining budget,
 * and review queue depth; {@code /actuator/cascade/{chain}} for one chain.
 *
 * <p>One write operation, {@code POST /actuator/cascade/{chain}/{step}} with {@code {"action":"reset"}} (or
 * {@code close}, {@code open}), changes a step's breaker. Writes are off by default ({@link Access#READ_ONLY}); turn
 * them on with {@code management.endpoint.cascade.access=unrestricted}, and protect the actuator (Spring Security)
 * wherever it is reachable.
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

    /**
     * Changes step {@code step}'s breaker: {@code reset} (closed, statistics cleared), {@code close}, or {@code open}
     * (force it open, e.g. while a provider is known to be down). Returns the chain afterwards; {@code null} (404) if
     * there is no such chain or the step has no breaker.
     *
     * @throws InvalidEndpointRequestException (400) for any other action
     */
    @WriteOperation
    public Map<String, Object> breaker(@Selector String chain, @Selector String step, String action) {
        if (chains.find(chain).isEmpty()) {
            return null;
        }
        CascadeChains.Entry e = chains.entry(chain);
        CircuitBreaker breaker = e.chain().circuitBreaker(step).orElse(null);
        if (breaker == null) {
            return null;
        }
        switch (action == null ? "" : action) {
            case "reset" -> breaker.reset();
            case "close" -> breaker.transitionToClosedState();
            case "open" -> breaker.transitionToForcedOpenState();
            default -> throw new InvalidEndpointRequestException("action must be reset, close or open, was '" + action
                    + "'", "action must be reset, close or open");
        }
        return describe(e);
    }

    private static Map<String, Object> describe(CascadeChains.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", ChainStatus.level(e).name());
        m.put("description", e.chain().describe().toString());
        m.put("deadline", e.chain().describe().deadline());
        m.put("steps", ChainStatus.steps(e));
        m.put("budget", ChainStatus.budget(e));
        ChainStatus.reviewDepth(e).ifPresent(d -> m.put("reviewQueueDepth", d));
        return m;
    }
}
