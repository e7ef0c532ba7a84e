package dev.cascade.spring.review;

import java.util.Arrays;

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
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import dev.cascade.review.ReviewConflictException;

/**
 * How the review API reports errors: RFC 9457 problem details ({@code application/problem+json}) with a message a
 * reviewer can act on, and never an exception's own text (which can name Java methods, types or database internals):
 * a 400's detail is the API's own validation message ({@link BadReviewRequestException}), and any other exception,
 * an {@link IllegalArgumentException} from a store or library included, is a generic 500. The problem's {@code type}
 * follows from its status ({@code about:blank}). The handlers live on the controller's own class (not in a
 * {@code @ControllerAdvice}) so they take precedence over the application's advice and never touch the application's other controllers.
 *
 * <table>
 *   <caption>Status codes (every one but Spring Security's 401/403 is {@code application/problem+json})</caption>
 *   <tr><td>400</td><td>bad input: malformed or missing JSON, a wrongly typed field or parameter, unknown state,
 *   sort or verdict, limit out of range, a cursor not handed out for that sort, a search with no word, missing
 *   version</td></tr>
 *   <tr><td>304</td><td>(reads) the item or page is unchanged since the ETag sent in {@code If-None-Match}</td></tr>
 *   <tr><td>401</td><td>not signed in (from Spring Security, empty body), reads and state changes alike</td></tr>
 *   <tr><td>403</td><td>signed in without the authority, or a state change without a valid CSRF token</td></tr>
 *   <tr><td>404</td><td>unknown item ({@code reason: NOT_FOUND}) or no such API path</td></tr>
 *   <tr><td>405 / 406 / 415</td><td>wrong method (with {@code Allow}), unservable {@code Accept}, non-JSON body
 *   (see {@link ReviewApiExceptionResolver})</td></tr>
 *   <tr><td>409</td><td>the item's state refuses: {@code reason} is the {@link ReviewConflictException.Reason} name,
 *   e.g. {@code CLAIMED_BY_OTHER}, {@code STALE_VERSION}, {@code PAYLOAD_CHANGED}</td></tr>
 *   <tr><td>413</td><td>a body over {@code cascade.review.web.max-request-bytes}, refused before it is read</td></tr>
 *   <tr><td>501</td><td>the application's own store lacks the work-list methods (pages, counts, stats, renew)</td></tr>
 *   <tr><td>500</td><td>anything else (e.g. the store's database failed): a generic detail; the log has the rest</td></tr>
 * </table>
 */
abstract class ReviewApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewApiErrors.class);
    private static final int MAX_ECHO = 80;

    @ExceptionHandler(ReviewConflictException.class)
    ResponseEntity<ProblemDetail> conflict(ReviewConflictException e) {
        HttpStatus status = e.reason() == ReviewConflictException.Reason.NOT_FOUND
                ? HttpStatus.NOT_FOUND : HttpStatus.CONFLICT;
        ProblemDetail p = problem(status,
                status == HttpStatus.NOT_FOUND ? "Review item not found" : "Review conflict", e.getMessage());
        p.setProperty("reason", e.reason().name());
        p.setProperty("itemId", e.itemId());
        return respond(p);
    }

    /** The API's own validation, whose message is written for the reviewer; any other exception's text is not. */
    @ExceptionHandler(BadReviewRequestException.class)
    ResponseEntity<ProblemDetail> badInput(BadReviewRequestException e) {
        return respond(problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        // Never the exception's text: Spring's names the handler method's signature, Jackson's the Java types.
        return respond(problem(HttpStatus.BAD_REQUEST, "Bad request",
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
                : type == int.class || type == Integer.class || type == long.class || type == Long.class
                ? "an integer" : "a " + (type == null ? "value" : type.getSimpleName());
        return respond(problem(HttpStatus.BAD_REQUEST, "Bad request",
                e.getName() + " must be " + expected + ", was '" + echo(e.getValue()) + "'"));
    }

    /**
     * Spring MVC's own errors that carry a status and reach the controller (missing parameter, an answer it cannot
     * write in the {@code Accept}ed type, 401/403 of ours...). A wrong method or body type is found before a handler is
     * chosen, so {@link ReviewApiExceptionResolver} answers those.
     */
    @ExceptionHandler({ErrorResponseException.class, MissingServletRequestParameterException.class,
            HttpMediaTypeNotAcceptableException.class})
    ResponseEntity<ProblemDetail> errorResponse(Exception e) {
        ErrorResponse r = (ErrorResponse) e;
        ProblemDetail p = r.getBody();
        HttpStatusCode status = r.getStatusCode();
        if (!(e instanceof ErrorResponseException)) {
            // Spring's own details are plain (e.g. "Required parameter 'limit' is not present."); keep only those.
            p = problem(HttpStatus.valueOf(status.value()), HttpStatus.valueOf(status.value()).getReasonPhrase(),
                    p.getDetail());
        }
        return ResponseEntity.status(status).headers(r.getHeaders()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    /** A store without the work-list methods (an application's own {@code ReviewStore}): 501, said plainly. */
    @ExceptionHandler(UnsupportedOperationException.class)
    ResponseEntity<ProblemDetail> unsupported(UnsupportedOperationException e) {
        LOG.warn("review API request needs a ReviewStore method the application's store lacks", e);
        return respond(problem(HttpStatus.NOT_IMPLEMENTED, "Not implemented", "The application's review store does"
                + " not support this request (work-list pages, counts, stats or lease renewal): use Cascade's"
                + " JdbcReviewStore or InMemoryReviewStore, or implement ReviewStore.page, countByState, stats and"
                + " renew."));
    }

    /**
     * Anything else (a store that failed, a bug): 500 with a generic problem. The details, which may name database
     * internals, go to the log only, never to the caller.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        LOG.error("review API request failed", e);
        return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "The review API failed; the server log has the details."));
    }

    /**
     * A problem whose {@code type} follows from the status alone: {@code about:blank}, as
     * {@link dev.cascade.spring.web.ProblemJson} writes it for the errors answered outside the controller (a 409's
     * {@code reason} says which conflict).
     */
    static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return p;
    }

    /**
     * Bad input found by the API's own validation: answered 400 with its message, which is written for the reviewer.
     * Other {@link IllegalArgumentException}s (a store's, a library's) are 500s whose text stays in the log.
     */
    static final class BadReviewRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadReviewRequestException(String message) {
            super(message);
        }
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    private static String echo(Object value) {
        String s = String.valueOf(value);
        return s.length() > MAX_ECHO ? s.substring(0, MAX_ECHO) + "..." : s;
    }
}
