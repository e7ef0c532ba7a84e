package dev.cascade.spring.review;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the reviewer REST API and console, under {@code cascade.review.web}. Checked when bound: a wrong value
 * stops startup with a message naming the property.
 *
 * <pre>{@code
 * cascade:
 *   review:
 *     web:
 *       base-path: /cascade/review        # API under /cascade/review/api, console at /cascade/review
 *       authority: ROLE_REVIEWER          # = hasRole("REVIEWER")
 *       jaeger-base-url: http://localhost:16686
 *       lease: 15m
 *       max-request-bytes: 256KB          # larger bodies: 413 before anything parses them
 *       logout-path: /logout              # where the console's "Sign out" posts
 *       poll-interval: 3s                 # how often the console looks for changes
 * }</pre>
 *
 * <p>Not thread-safe while being bound; read-only afterwards.
 */
@ConfigurationProperties(prefix = "cascade.review.web")
public class CascadeReviewWebProperties {

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._~-]+)+");

    /**
     * Whether the reviewer REST API and console are registered (they also need a servlet web application, a
     * {@code ReviewStore} bean, and Spring Security or {@code allow-without-spring-security}). Default true.
     */
    private boolean enabled = true;

    /**
     * Where the API and console live: the API under {@code <base-path>/api}, the console at {@code <base-path>}
     * (redirects to {@code <base-path>/console/index.html}). Segments of letters, digits, '.', '_', '~' and '-', with a
     * leading and no trailing slash. Default {@code /cascade/review}.
     */
    private String basePath = "/cascade/review";

    /**
     * The granted authority a user needs to use the API and console, compared exactly with Spring Security's
     * {@code GrantedAuthority#getAuthority()}. The default {@code ROLE_REVIEWER} is what {@code hasRole("REVIEWER")}
     * and {@code User.withUsername(..).roles("REVIEWER")} use. Without Spring Security (see
     * {@code allow-without-spring-security}) it is checked with {@code HttpServletRequest.isUserInRole} on the name
     * without a leading {@code ROLE_}.
     */
    private String authority = "ROLE_REVIEWER";

    /**
     * Jaeger UI's base URL (http or https), e.g. {@code http://localhost:16686}: the console links an item to
     * {@code <jaeger-base-url>/trace/<trace id>}. Default: none, and no trace links.
     */
    private URI jaegerBaseUrl;

    /** How long a claim lasts before the item may be taken by another reviewer; claiming again renews it. Default 15m. */
    private Duration lease = Duration.ofMinutes(15);

    /**
     * With Spring Security present: refuse (403) state-changing requests that Spring Security's CSRF filter did not
     * see, i.e. when the application turned CSRF protection off. Turn off only when every client authenticates with a
     * credential browsers never send on their own (e.g. a bearer token). Default true.
     */
    private boolean requireCsrf = true;

    /**
     * Register the API and console when Spring Security is not on the classpath. Off by default (fail safe): the
     * application must then authenticate users with its servlet container (the reviewer is
     * {@code HttpServletRequest.getUserPrincipal()}, the authority a container role), and every state-changing request
     * must carry the header {@code X-Requested-With: XMLHttpRequest}, which cross-site forms cannot send. Default false.
     */
    private boolean allowWithoutSpringSecurity;

    /**
     * The largest request body the API accepts; a larger one is answered {@code 413} (problem+json) before it is
     * parsed, after reading at most this much of it. Between 1KB and 16MB. Default 256KB (a decision carries the
     * reviewer's answer and comment).
     */
    private DataSize maxRequestBytes = DataSize.ofKilobytes(256);

    /**
     * Where the console's "Sign out" button posts (with the CSRF token): the application's Spring Security logout
     * URL, an absolute path. Default {@code /logout} (Spring Security's).
     */
    private String logoutPath = "/logout";

    /**
     * How often an open console asks for changes to the queue and the open item (cheap: unchanged answers are a 304
     * with no body). Between 1s and 5m. Default 3s.
     */
    private Duration pollInterval = Duration.ofSeconds(3);

    public String getLogoutPath() {
        return logoutPath;
    }

    public void setLogoutPath(String logoutPath) {
        if (logoutPath == null || !PATH.matcher(logoutPath).matches()) {
            throw new IllegalArgumentException("cascade.review.web.logout-path must be an absolute path like /logout"
                    + " (segments of letters, digits, '.', '_', '~', '-'), was '" + logoutPath + "'");
        }
        this.logoutPath = logoutPath;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        if (pollInterval == null || pollInterval.compareTo(Duration.ofSeconds(1)) < 0
                || pollInterval.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("cascade.review.web.poll-interval must be between 1s and 5m, was "
                    + pollInterval);
        }
        this.pollInterval = pollInterval;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBasePath() {
        return basePath;
    }

    public void setBasePath(String basePath) {
        if (basePath == null || !PATH.matcher(basePath).matches()) {
            throw new IllegalArgumentException("cascade.review.web.base-path must be like /cascade/review (segments of"
                    + " letters, digits, '.', '_', '~', '-'; leading slash, no trailing slash), was '" + basePath + "'");
        }
        this.basePath = basePath;
    }

    public String getAuthority() {
        return authority;
    }

    public void setAuthority(String authority) {
        if (authority == null || authority.isBlank()) {
            throw new IllegalArgumentException("cascade.review.web.authority must not be blank, was '" + authority + "'");
        }
        this.authority = authority.strip();
    }

    public URI getJaegerBaseUrl() {
        return jaegerBaseUrl;
    }

    public void setJaegerBaseUrl(URI jaegerBaseUrl) {
        if (jaegerBaseUrl != null && !(jaegerBaseUrl.isAbsolute()
                && ("http".equalsIgnoreCase(jaegerBaseUrl.getScheme())
                        || "https".equalsIgnoreCase(jaegerBaseUrl.getScheme()))
                && jaegerBaseUrl.getHost() != null)) {
            throw new IllegalArgumentException("cascade.review.web.jaeger-base-url must be an http or https URL like"
                    + " http://localhost:16686, was '" + jaegerBaseUrl + "'");
        }
        this.jaegerBaseUrl = jaegerBaseUrl;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        if (lease == null || lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("cascade.review.web.lease must be > 0, was " + lease);
        }
        this.lease = lease;
    }

    public boolean isRequireCsrf() {
        return requireCsrf;
    }

    public void setRequireCsrf(boolean requireCsrf) {
        this.requireCsrf = requireCsrf;
    }

    public boolean isAllowWithoutSpringSecurity() {
        return allowWithoutSpringSecurity;
    }

    public void setAllowWithoutSpringSecurity(boolean allowWithoutSpringSecurity) {
        this.allowWithoutSpringSecurity = allowWithoutSpringSecurity;
    }

    public DataSize getMaxRequestBytes() {
        return maxRequestBytes;
    }

    public void setMaxRequestBytes(DataSize maxRequestBytes) {
        if (maxRequestBytes == null || maxRequestBytes.toBytes() < 1024
                || maxRequestBytes.toBytes() > DataSize.ofMegabytes(16).toBytes()) {
            throw new IllegalArgumentException("cascade.review.web.max-request-bytes must be between 1KB and 16MB, was "
                    + maxRequestBytes);
        }
        this.maxRequestBytes = maxRequestBytes;
    }

    /** {@code <base-path>/api}. */
    String apiPath() {
        return basePath + "/api";
    }

    /** The Jaeger UI link for a trace id, or {@code null} when there is no base URL or no valid trace id. */
    String traceUrl(String traceId) {
        if (jaegerBaseUrl == null || traceId == null || !traceId.matches("[0-9a-f]{32}")) {
            return null;
        }
        String base = jaegerBaseUrl.toString();
        return (base.endsWith("/") ? base : base + "/") + "trace/" + traceId;
    }
}
