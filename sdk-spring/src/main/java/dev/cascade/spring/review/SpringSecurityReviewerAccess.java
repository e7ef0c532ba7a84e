package dev.cascade.spring.review;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Reviewer access through Spring Security: the reviewer is {@link Authentication#getName()}, the authority is compared
 * exactly with the granted authorities, and CSRF is Spring Security's own (this class only checks that its filter ran
 * and hands the console the token it made). Loaded only when Spring Security is on the classpath.
 */
final class SpringSecurityReviewerAccess implements ReviewerAccess {

    private final String authority;

    SpringSecurityReviewerAccess(String authority) {
        this.authority = authority;
    }

    @Override
    public Verdict check(HttpServletRequest request) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
            return Verdict.unauthenticated();
        }
        for (GrantedAuthority granted : auth.getAuthorities()) {
            if (authority.equals(granted.getAuthority())) {
                return Verdict.allowed(auth.getName());
            }
        }
        return Verdict.forbidden(authority);
    }

    @Override
    public boolean csrfChecked(HttpServletRequest request) {
        // CsrfFilter puts the token in this attribute before it checks the request; absent means CSRF is off.
        return request.getAttribute(CsrfToken.class.getName()) != null;
    }

    @Override
    public CsrfHeader csrfHeader(HttpServletRequest request) {
        if (!(request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token)) {
            return null;
        }
        // getToken() is the value the configured request handler accepts back (XOR-masked by default).
        return new CsrfHeader(token.getHeaderName(), token.getToken());
    }
}
