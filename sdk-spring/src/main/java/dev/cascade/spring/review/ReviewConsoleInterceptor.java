package dev.cascade.spring.review;

import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.HandlerInterceptor;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Runs before every handler under the base path (API, console files, the console redirect): sets the security headers
 * and lets only reviewers through, so the console's files are as closed as the API even if the application's security
 * rule is missing. The console's page has no inline script or style, which is what makes the strict policy possible.
 * Thread-safe.
 */
final class ReviewConsoleInterceptor implements HandlerInterceptor {

    /**
     * Scripts, styles and fetches from this origin only; no plugins, frames, inline code or other origins. Links to
     * Jaeger are navigations, which the policy does not restrict.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ReviewerAccess access;

    ReviewConsoleInterceptor(ReviewerAccess access) {
        this.access = access;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cache-Control", "no-store");
        ReviewerAccess.Verdict v = access.check(request);
        if (!v.isAllowed()) {
            HttpStatus status = HttpStatus.valueOf(v.status());
            throw new ErrorResponseException(status, ReviewApiErrors.problem(status, status.getReasonPhrase(),
                    v.message()), null);
        }
        return true;
    }
}
