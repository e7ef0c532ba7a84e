package dev.cascade.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import dev.cascade.spring.CascadeChains;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * The write operation of {@code /actuator/cascade} over HTTP: {@code POST /actuator/cascade/{chain}/{step}} with
 * {@code {"action":"reset"}} (or {@code close}, {@code open}) changes a step's breaker. Only over HTTP (not JMX), and
 * only when the endpoint allows writes ({@code management.endpoint.cascade.access=unrestricted}; read-only by
 * default).
 *
 * <p>On top of that, the caller must hold the operator role, {@code management.endpoint.cascade.operator-role}
 * (default {@value #DEFAULT_OPERATOR_ROLE}, checked with {@code HttpServletRequest.isUserInRole}: with Spring Security
 * the authority {@code ROLE_CASCADE_OPERATOR}). A signed-in user without it, e.g. a reviewer, gets 403; nobody signed
 * in, 401. The check runs before anything else, so a caller without the role learns nothing about chains or steps.
 *
 * <table>
 * <caption>Answers</caption>
 * <tr><td>200</td><td>the chain, as {@code GET /actuator/cascade/{chain}} shows it, after the change</td></tr>
 * <tr><td>400</td><td>an action other than reset, close or open</td></tr>
 * <tr><td>401 / 403</td><td>not signed in / without the operator role</td></tr>
 * <tr><td>404</td><td>no such chain, no such step, or a step without a circuit breaker</td></tr>
 * </table>
 *
 * <p>Stateless and thread-safe.
 */
@EndpointWebExtension(endpoint = CascadeEndpoint.class)
public class CascadeEndpointWebExtension {

    /** The operator role's default name. */
    public static final String DEFAULT_OPERATOR_ROLE = "CASCADE_OPERATOR";

    private final CascadeChains chains;
    private final String operatorRole;

    /**
     * @param chains       the application's chains
     * @param operatorRole the role a caller needs to change a breaker (not blank)
     */
    public CascadeEndpointWebExtension(CascadeChains chains, String operatorRole) {
        this.chains = Objects.requireNonNull(chains, "chains");
        if (operatorRole == null || operatorRole.isBlank()) {
            throw new IllegalArgumentException("management.endpoint.cascade.operator-role must not be blank, was '"
                    + operatorRole + "'");
        }
        this.operatorRole = operatorRole.strip();
    }

    /**
     * Changes step {@code step}'s breaker: {@code reset} (closed, statistics cleared), {@code close}, or {@code open}
     * (force it open, e.g. while a provider is known to be down).
     *
     * @throws InvalidEndpointRequestException (400) for any other action
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> breaker(SecurityContext security, @Selector String chain,
                                                           @Selector String step, String action) {
        if (security.getPrincipal() == null) {
            return problem(401, "Unauthorized",
                    "Sign in as a user with the role " + operatorRole + " to change a breaker.");
        }
        if (!security.isUserInRole(operatorRole)) {
            return problem(403, "Forbidden", "Changing a breaker needs the role " + operatorRole
                    + " (management.endpoint.cascade.operator-role).");
        }
        if (chains.find(chain).isEmpty()) {
            return problem(404, "Not Found", "There is no chain '" + chain + "'.");
        }
        CascadeChains.Entry e = chains.entry(chain);
        if (e.chain().describe().steps().stream().noneMatch(s -> s.name().equals(step))) {
            return problem(404, "Not Found",
                    "Chain '" + chain + "' has no step '" + step + "'.");
        }
        CircuitBreaker breaker = e.chain().circuitBreaker(step).orElse(null);
        if (breaker == null) {
            return problem(404, "Not Found",
                    "Step '" + step + "' of chain '" + chain + "' has no circuit breaker.");
        }
        switch (action == null ? "" : action) {
            case "reset" -> breaker.reset();
            case "close" -> breaker.transitionToClosedState();
            case "open" -> breaker.transitionToForcedOpenState();
            default -> throw new InvalidEndpointRequestException("action must be reset, close or open, was '" + action
                    + "'", "action must be reset, close or open");
        }
        return new WebEndpointResponse<>(CascadeEndpoint.describe(e));
    }

    private static WebEndpointResponse<Map<String, Object>> problem(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("title", title);
        body.put("detail", detail);
        return new WebEndpointResponse<>(body, status);
    }
}
