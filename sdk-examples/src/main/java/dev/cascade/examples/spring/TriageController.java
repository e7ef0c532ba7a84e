package dev.cascade.examples.spring;

import java.security.Principal;
import java.util.OptionalLong;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.cascade.Cascade;
import dev.cascade.api.Attempt;
import dev.cascade.api.CallContext;
import dev.cascade.api.Outcome;
import dev.cascade.api.StepKind;

/**
 * {@code POST /triage} with {@code {"ticket": "..."}}: runs the ticket through the {@code triage} chain defined in
 * {@code application.yml} and answers with the outcome (see {@link TriageResponse}).
 *
 * <p>Safe to copy: the body is capped before it is parsed ({@code triage.max-request-bytes}, see
 * {@link TriageWeb}); each caller (the signed-in user, else the client's address) may send
 * {@code triage.caller-limit.requests} tickets per period; and a client that sends an {@code Idempotency-Key} header
 * and retries with the same key gets the same review item, not a second one. The key is scoped to the caller, so one
 * caller can never reach another's item by guessing its key. A caller who is not signed in is known by the client's
 * address only: all of them behind one proxy or NAT share one caller limit and one idempotency scope (and one
 * anonymous caller can hit another's key), unless {@code server.forward-headers-strategy} is set so that the address
 * is the client's own (and only behind a proxy you trust to set {@code X-Forwarded-For}).
 *
 * <table>
 * <caption>HTTP status by outcome</caption>
 * <tr><th>outcome</th><th>status</th></tr>
 * <tr><td>a step answered</td><td>200</td></tr>
 * <tr><td>the ticket waits for a person (review id in the body)</td><td>202</td></tr>
 * <tr><td>nothing answered and no review took it, or cancelled</td><td>503</td></tr>
 * <tr><td>the review queue could not take the ticket (e.g. its database failed)</td><td>503, a problem detail
 *     without the error (the log has it, under the execution id)</td></tr>
 * <tr><td>no body, not JSON, {@code ticket} missing, blank or too long; a malformed {@code Idempotency-Key}</td>
 *     <td>400, a problem detail naming what is wrong</td></tr>
 * <tr><td>a body larger than {@code triage.max-request-bytes}</td><td>413, a problem detail</td></tr>
 * <tr><td>a Content-Type other than JSON</td><td>415, a problem detail</td></tr>
 * <tr><td>the caller sent more than {@code triage.caller-limit} allows</td><td>429 with {@code Retry-After}
 *     (seconds), a problem detail</td></tr>
 * </table>
 */
@RestController
class TriageController {

    private static final Logger LOG = LoggerFactory.getLogger(TriageController.class);
    private static final String EXAMPLE = "send {\"ticket\": \"<the support ticket's text>\"}";
    /** Printable ASCII, no spaces: what a client puts in a header (e.g. a UUID). */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,128}");

    private final Cascade<String, String> triage;
    private final int maxTicketChars;
    private final CallerLimits callerLimits;

    TriageController(@Qualifier("triage") Cascade<String, String> triage, TriageProperties properties) {
        this.triage = triage;
        this.maxTicketChars = properties.maxTicketChars();
        this.callerLimits = new CallerLimits(properties.callerLimit());
    }

    @PostMapping(path = "/triage", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> triage(@RequestBody(required = false) TriageRequest request,
                             @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
                             HttpServletRequest http) {
        String caller = caller(http);
        OptionalLong retryAfter = callerLimits.acquire(caller);
        if (retryAfter.isPresent()) {
            return tooManyRequests(retryAfter.getAsLong());
        }
        String ticket = request == null ? null : request.ticket();
        if (ticket == null) {
            throw new InvalidTicketException("the request has no \"ticket\": " + EXAMPLE);
        }
        if (ticket.isBlank()) {
            throw new InvalidTicketException("\"ticket\" is blank: " + EXAMPLE);
        }
        if (ticket.length() > maxTicketChars) {
            throw new InvalidTicketException("\"ticket\" has " + ticket.length() + " characters; at most "
                    + maxTicketChars + " are accepted (triage.max-ticket-chars)");
        }
        CallContext context = CallContext.empty();
        if (idempotencyKey != null) {
            if (!IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
                throw new InvalidTicketException("the Idempotency-Key header must be 1 to 128 printable ASCII"
                        + " characters without spaces (e.g. a UUID)");
            }
            // Scoped to the caller: another caller sending the same key gets an item of its own.
            context = context.withIdempotencyKey(scopedKey(caller, idempotencyKey));
        }
        Outcome<String> out = triage.execute(ticket, context);
        Attempt reviewFailure = out.attempts().stream()
                .filter(a -> a.stepKind() == StepKind.HUMAN_REVIEW && a.status() == Attempt.Status.FAILED)
                .findFirst().orElse(null);
        if (reviewFailure != null && out.status() != Outcome.Status.ANSWERED) {
            // The reason may name the store's database error: the log gets it (never the ticket), the caller not.
            LOG.warn("execution {}: the review queue could not take the ticket: {}", out.executionId(),
                    reviewFailure.reason());
            ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "No step answered and the review queue could not take the ticket; try again later.");
            p.setTitle("Review queue unavailable");
            p.setProperty("executionId", out.executionId());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(p);
        }
        HttpStatus status = switch (out.status()) {
            case ANSWERED -> HttpStatus.OK;
            case PENDING_REVIEW -> HttpStatus.ACCEPTED;
            case UNANSWERED, CANCELLED -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        return ResponseEntity.status(status).body(TriageResponse.of(out));
    }

    /**
     * The idempotency key as the store sees it: the caller, length-prefixed, then the client's key. The prefix keeps
     * the join unambiguous although both parts may contain any separator: {@code ("user:alice", "x|y")} and
     * {@code ("user:alice|x", "y")} are different keys.
     */
    static String scopedKey(String caller, String idempotencyKey) {
        return caller.length() + ":" + caller + "|" + idempotencyKey;
    }

    /** The signed-in user, else the client's address (behind a proxy: see server.forward-headers-strategy). */
    private static String caller(HttpServletRequest http) {
        Principal user = http.getUserPrincipal();
        return user != null ? "user:" + user.getName() : "ip:" + http.getRemoteAddr();
    }

    private static ResponseEntity<ProblemDetail> tooManyRequests(long retryAfterSeconds) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                "Too many tickets from this caller; try again in " + retryAfterSeconds + " s (triage.caller-limit).");
        p.setTitle("Too many requests");
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    @ExceptionHandler(InvalidTicketException.class)
    ProblemDetail invalidTicket(InvalidTicketException e) {
        return badRequest(e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        return badRequest("the body is not a JSON object with a string \"ticket\": " + EXAMPLE);
    }

    private static ProblemDetail badRequest(String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        p.setTitle("Invalid ticket");
        return p;
    }

    /** A request that is not a usable ticket; answered 400 with the message as the problem's detail. */
    static final class InvalidTicketException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidTicketException(String message) {
            super(message);
        }
    }
}
