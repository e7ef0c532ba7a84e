package dev.cascade.spring.review;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Reviewer access through the servlet container, for applications that opted in to running the review API without
 * Spring Security ({@code cascade.review.web.allow-without-spring-security=true}): the reviewer is
 * {@link HttpServletRequest#getUserPrincipal()}, the authority a container role (without a leading {@code ROLE_}), and
 * state-changing requests must carry {@value #CSRF_HEADER}{@code : }{@value #CSRF_VALUE}: a header a cross-site form
 * cannot send, and cross-site scripts cannot send without a CORS preflight the application does not grant.
 */
final class ServletReviewerAccess implements ReviewerAccess {

    static final String CSRF_HEADER = "X-Requested-With";
    static final String CSRF_VALUE = "XMLHttpRequest";

    private final String authority;
    private final String role;

    ServletReviewerAccess(String authority) {
        this.authority = authority;
        this.role = authority.startsWith("ROLE_") ? authority.substring("ROLE_".length()) : authority;
    }

    @Override
    public Verdict check(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        if (principal == null || principal.getName() == null || principal.getName().isBlank()) {
            return Verdict.unauthenticated();
        }
        return request.isUserInRole(role) ? Verdict.allowed(principal.getName()) : Verdict.forbidden(authority);
    }

    @Override
    public boolean csrfChecked(HttpServletRequest request) {
        return CSRF_VALUE.equals(request.getHeader(CSRF_HEADER));
    }

    @Override
    public CsrfHeader csrfHeader(HttpServletRequest request) {
        return new CsrfHeader(CSRF_HEADER, CSRF_VALUE);
    }
}
