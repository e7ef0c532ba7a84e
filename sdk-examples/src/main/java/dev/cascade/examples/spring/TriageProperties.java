package dev.cascade.examples.spring;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The example's own settings under {@code triage}: which OpenAI models back the two model steps, whether the
 * simulated provider runs, and the self-driving demo. The chain itself is not here: it is {@code cascade.chains.triage}
 * in {@code application.yml}. Immutable.
 *
 * @param models         the two OpenAI models
 * @param simulator      the local simulated OpenAI server (default on, so the app runs without an API key)
 * @param demo           send a few tickets through {@code POST /triage}, print what happened, and exit (default off)
 * @param maxTicketChars  longest ticket {@code POST /triage} accepts; longer ones are a 400 (default 20000)
 * @param maxRequestBytes largest {@code POST /triage} body; a larger one is a 413 before it is parsed, after reading
 *                        at most this much of it (default 128KB: 20,000 characters fit even as
 *                        six-character JSON escapes)
 * @param callerLimit     how many tickets one caller may send (default 60 a minute)
 */
@ConfigurationProperties("triage")
public record TriageProperties(@DefaultValue Models models, @DefaultValue Simulator simulator,
                               @DefaultValue("false") boolean demo, @DefaultValue("20000") int maxTicketChars,
                               @DefaultValue("128KB") DataSize maxRequestBytes, @DefaultValue CallerLimit callerLimit) {

    public TriageProperties {
        if (maxTicketChars <= 0) {
            throw new IllegalArgumentException("triage.max-ticket-chars must be more than 0, was " + maxTicketChars);
        }
        if (maxRequestBytes.toBytes() < 1024) {
            throw new IllegalArgumentException("triage.max-request-bytes must be at least 1KB, was " + maxRequestBytes);
        }
    }

    /**
     * A per-caller rate limit on {@code POST /triage}, so that no one caller fills the review queue or spends the
     * budget: a caller (the signed-in user, else the client's IP address) may send {@code requests} tickets per
     * {@code period}; more are answered 429 with {@code Retry-After}. Behind a proxy, set
     * {@code server.forward-headers-strategy=native} so that the client's address is the caller, not the proxy's.
     *
     * @param requests tickets per period and caller (default 60)
     * @param period   the period (default 1m)
     * @param callers  how many callers are tracked at once; the least recently seen beyond it are forgotten
     *                 (default 10000)
     */
    public record CallerLimit(@DefaultValue("60") int requests, @DefaultValue("1m") Duration period,
                              @DefaultValue("10000") int callers) {
        public CallerLimit {
            if (requests <= 0) {
                throw new IllegalArgumentException("triage.caller-limit.requests must be more than 0, was "
                        + requests);
            }
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("triage.caller-limit.period must be longer than 0, was " + period);
            }
            if (callers <= 0) {
                throw new IllegalArgumentException("triage.caller-limit.callers must be more than 0, was " + callers);
            }
        }
    }

    /**
     * The OpenAI models. The endpoint and key are Spring AI's usual {@code spring.ai.openai.base-url} and
     * {@code spring.ai.openai.api-key} (else the {@code OPENAI_BASE_URL} and {@code OPENAI_API_KEY} environment
     * variables), used when the simulator is off.
     *
     * @param advanced      the advanced step's model (default gpt-4o)
     * @param cheap         the cheaper step's model (default gpt-4o-mini)
     * @param clientTimeout Spring AI's {@code timeout} option, the OkHttp call timeout of one request (default 4s);
     *                      keep it a little under the steps' Cascade timeout, so the client lets go of a stalled
     *                      exchange by itself
     */
    public record Models(@DefaultValue("gpt-4o") String advanced, @DefaultValue("gpt-4o-mini") String cheap,
                         @DefaultValue("4s") Duration clientTimeout) {
        public Models {
            if (clientTimeout.isNegative() || clientTimeout.isZero()) {
                throw new IllegalArgumentException("triage.models.client-timeout must be longer than 0, was "
                        + clientTimeout);
            }
        }
    }

    /**
     * The simulated OpenAI server (see {@link SimulatedOpenAiServer}).
     *
     * @param enabled              start it and point both models at it (default true); set false to use
     *                             {@code spring.ai.openai.*} (a real key)
     * @param advancedContextChars request size (characters of JSON) above which the simulated advanced model answers
     *                             400 {@code context_length_exceeded} (default 2000)
     * @param slowFor              how long a {@code [sim:slow]} request to the advanced model takes (default 10s)
     */
    public record Simulator(@DefaultValue("true") boolean enabled, @DefaultValue("2000") int advancedContextChars,
                            @DefaultValue("10s") Duration slowFor) {
    }
}
