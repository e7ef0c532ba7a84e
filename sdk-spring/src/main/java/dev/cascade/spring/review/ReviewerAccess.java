package dev.cascade.spring.review;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is calling the review API and whether they may: the one place that knows how the application authenticates.
 * Two implementations: {@link SpringSecurityReviewerAccess} (the default) and {@link ServletReviewerAccess} (only when
 * the application opted in to running without Spring Security). Implementations are stateless and thread-safe.
 */
interface ReviewerAccess {

    /** The caller's reviewer name when they are authenticated and hold the authority; else why not. */
    Verdict check(HttpServletRequest request);

    /**
     * Whether a state-changing request passed the application's cross-site request forgery defence (with Spring
     * Security: its CSRF filter ran; without: the request carries a header cross-site forms cannot send).
     */
    boolean csrfChecked(HttpServletRequest request);

    /** The header and value the console must send on state-changing requests; {@code null} when there is none. */
    CsrfHeader csrfHeader(HttpServletRequest request);

    /** A header name and the value to send in it. */
    record CsrfHeader(String headerName, String token) {
    }

    /** The outcome of {@link #check}: a reviewer's name, or a refusal with its HTTP status and a message. */
    record Verdict(String reviewer, int status, String message) {

        static Verdict allowed(String reviewer) {
            return new Verdict(reviewer, 200, null);
        }

        static Verdict unauthenticated() {
            return new Verdict(null, 401, "Sign in to use the review API.");
        }

        static Verdict forbidden(String authority) {
            return new Verdict(null, 403, "The review API needs the authority '" + authority + "'.");
        }

        boolean isAllowed() {
            return reviewer != null;
        }
    }
}
