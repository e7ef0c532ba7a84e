package dev.cascade.examples.spring;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.cascade.Cascade;
import dev.cascade.Outcome;

/**
 * {@code POST /triage} with {@code {"ticket": "..."}}: runs the ticket through the {@code triage} chain defined in
 * {@code application.yml} and answers with the outcome (see {@link TriageResponse}).
 *
 * <table>
 * <caption>HTTP status by outcome</caption>
 * <tr><th>outcome</th><th>status</th></tr>
 * <tr><td>a step answered</td><td>200</td></tr>
 * <tr><td>the ticket waits for a person (review id in the body)</td><td>202</td></tr>
 * <tr><td>nothing answered and no review took it, or cancelled</td><td>503</td></tr>
 * <tr><td>no body, not JSON, {@code ticket} missing, blank or too long</td><td>400, a problem detail naming what is
 *     wrong</td></tr>
 * <tr><td>a Content-Type other than JSON</td><td>415 (Spring MVC's own answer: no handler method matches)</td></tr>
 * </table>
 */
@RestController
class TriageController {

    private static final String EXAMPLE = "send {\"ticket\": \"<the support ticket's text>\"}";

    private final Cascade<String, String> triage;
    private final int maxTicketChars;

    TriageController(@Qualifier("triage") Cascade<String, String> triage, TriageProperties properties) {
        this.triage = triage;
        this.maxTicketChars = properties.maxTicketChars();
    }

    @PostMapping(path = "/triage", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TriageResponse> triage(@RequestBody(required = false) TriageRequest request) {
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
        Outcome<String> out = triage.execute(ticket);
        HttpStatus status = switch (out.status()) {
            case ANSWERED -> HttpStatus.OK;
            case PENDING_REVIEW -> HttpStatus.ACCEPTED;
            case UNANSWERED, CANCELLED -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        return ResponseEntity.status(status).body(TriageResponse.of(out));
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
