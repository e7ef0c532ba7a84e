package dev.cascade.eval;

import dev.cascade.api.Money;

import java.util.List;
import java.util.Set;

/**
 * What one case did in one variant. Holds no input or answer text (those may be sensitive); look the case up by id.
 * Immutable.
 *
 * @param id                 the case's id
 * @param tags               its tags
 * @param template           its template id, or {@code null}
 * @param status             {@code ANSWERED}, {@code PENDING_REVIEW}, {@code UNANSWERED}, {@code CANCELLED}
 *                           ({@link dev.cascade.api.Outcome.Status}), {@code ERROR} (the execution or input mapping
 *                           threw) or {@code NOT_RUN} (money cap)
 * @param answeredBy         the step that answered, or {@code null}
 * @param lever              what saved (or cost) money on this case compared with the counterfactual model, see
 *                           {@link Levers}: {@code cheap-model}, {@code routing}, {@code cache}, {@code rules},
 *                           {@code review}, {@code most-expensive-model}, {@code none}
 * @param scored             whether the case had an expected answer
 * @param pass               whether it was answered and passed
 * @param score              the scorer's value (0 when not answered or not scored)
 * @param detail             the scorer's or the failure's short reason, or {@code null}
 * @param cost               what it spent
 * @param latencyMs          its latency, ms
 * @param inputTokens        input tokens of every model call, summed
 * @param outputTokens       output tokens of every model call, summed
 * @param modelCalls         model calls made (retries included)
 * @param failures           failure kinds of its failed, rejected and skipped attempts, in order
 * @param counterfactualCost what the counterfactual model would have cost on it ({@link Counterfactual}), or
 *                           {@code null} without one
 */
public record CaseResult(String id, Set<String> tags, String template, String status, String answeredBy, String lever,
                         boolean scored, boolean pass, double score, String detail, Money cost, double latencyMs,
                         long inputTokens, long outputTokens, int modelCalls, List<String> failures,
                         Money counterfactualCost) {

    public CaseResult {
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    /** Whether a step answered (without humans). */
    public boolean answered() {
        return "ANSWERED".equals(status);
    }

    /** Whether the case was run (not skipped by the money cap). */
    public boolean ran() {
        return !"NOT_RUN".equals(status);
    }
}
