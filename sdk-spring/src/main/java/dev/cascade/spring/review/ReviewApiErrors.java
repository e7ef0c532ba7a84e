package dev.cascade.spring.review;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import dev.cascade.review.ReviewConflictException;

/**
 * How the review API reports errors: RFC 9457 problem details ({@code application/problem+json}) with a message a
 * reviewer can act on, and never an exception's own text (which can name Java methods, types or database internals). The handlers live on the controller's own class (not in a {@code @ControllerAdvice}) so they
 * take precedence over the application's advice and never touch the application's other controllers.
 *
 * <table>
 *   <caption>Status codes (every one but Spring Security's 401/403 is {@code application/problem+json})</caption>
 *   <tr><td>400</td><td>bad input: malformed or missing JSON, a wrongly typed field or parameter, unknown state or
 *   verdict, limit out of range, missing version</td></tr>
 *   <tr><td>401</td><td>not signed in (from Spring Security, empty body), reads and state changes alike</td></tr>
 *   <tr><td>403</td><td>signed in without the authority, or a state change without a valid CSRF token</td></tr>
 *   <tr><td>404</td><td>unknown item ({@code reason: NOT_FOUND}) or no such API path</td></tr>
 *   <tr><td>405 / 406 / 415</td><td>wrong method (with {@code Allow}), unservable {@code Accept}, non-JSON body
 *   (see {@link ReviewApiExceptionResolver})</td></tr>
 *   <tr><td>409</td><td>the item's state refuses: {@code reason} is the {@link ReviewConflictException.Reason} name,
 *   e.g. {@code CLAIMED_BY_OTHER}, {@code STALE_VERSION}, {@code PAYLOAD_CHANGED}</td></tr>
 *   <tr><td>413</td><td>a body over {@code cascade.review.web.max-request-bytes}, refused before it is read</td></tr>
 *   <tr><td>500</td><td>anything else (e.g. the store's database failed): a generic detail; the log has the rest</td></tr>
 * </table>
 */
abstract class ReviewApiErrors {

    static final String TYPE_PREFIX = "urn:cascade:review:";
    private static final Logger LOG = LoggerFactory.getLogger(ReviewApiErrors.class);
    private static final int MAX_ECHO = 80;

    @ExceptionHandler(ReviewConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ReviewConflictException e) {
        HttpStatus status = e.reason() == ReviewConflictException.Reason.NOT_FOUND
                ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT;
        ProblemDetail p = problem(status, e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                status == HttpStatus.NOT_FOUND ? "Review item not found" : "Review conflict", e.getMessage());
        p.setProperty("reason", e.reason().name());
        p.setProperty("itemId", e.itemId());
        return respond(p);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> badInput(IllegalArgumentException e) {
        return respond(problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        // Never the exception's text: Spring's names the handler method's signature, Jackson's the Java types.
        return respond(problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                "The request body is not a valid JSON decision (or is missing): {\"verdict\": string, \"version\": number,"
                        + " \"payloadHash\": string, \"answer\": string, \"comment\": string}."));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> mismatch(MethodArgumentTypeMismatchException e) {
        Class<?> type = e.getRequiredType();
        if (type != null && type.isArray()) {
            type = type.getComponentType();
        }
        String expected = type != null && type.isEnum()
                ? "one of " + Arrays.toString(type.getEnumConstants())
                : "a " + (type == null ? "value" : type.getSimpleName());
        return respond(problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
                e.getName() + " must be " + expected + ", was '" + echo(e.getValue()) + "'"));
    }

    /** Spring MVC's own errors that carry a status (missing parameter, unsupported media type, 401/403 of ours...). */
    @ExceptionHandler({ErrorResponseException.class, MissingServletRequestParameterException.class,
            HttpMediaTypeNotSupportedException.class, HttpMediaTypeNotAcceptableException.class,
            HttpRequestMethodNotSupportedException.class})
    ResponseEntity<ProblemDetail> errorResponse(Exception e) {
        ErrorResponse r = (ErrorResponse) e;
        ProblemDetail p = r.getBody();
        HttpStatusCode status = r.getStatusCode();
        if (!(e instanceof ErrorResponseException)) {
            // Spring's own details are plain (e.g. "Required parameter 'limit' is not present."); keep only those.
            p = problem(HttpStatus.valueOf(status.value()), "bad-request",
                    HttpStatus.valueOf(status.value()).getReasonPhrase(), p.getDetail());
        }
        return ResponseEntity.status(status).headers(r.getHeaders()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    /**
     * Anything else (a store that failed, a bug): 500 with a generic problem. The details, which may name database
     * internals, go to the log only, never to the caller.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        LOG.error("review API request failed", e);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error",
                "The review API failed; the server log has the details."));
    }

    static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(TYPE_PREFIX + type));
        p.setTitle(title);
        return p;
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    private static String echo(Object value) {
        String s = String.valueOf(value);
        return s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "..." : s;
    }
}
