package dev.cascade.spring.review;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;

/**
 * The one rule the reviewer API and console need, for the application's own {@code SecurityFilterChain}: everything
 * under {@code <base-path>} requires {@code cascade.review.web.authority}. Nothing else is touched: CSRF protection
 * stays as the application configured it (on, by default: the console reads its token from
 * {@code <base-path>/api/session}, so session and cookie token repositories both work), and so do the login and
 * the entry points.
 *
 * <pre>{@code
 * @Bean
 * SecurityFilterChain security(HttpSecurity http, CascadeReviewWebProperties review) throws Exception {
 *     CascadeReviewSecurity.configure(http, review);          // first: its rule must precede anyRequest()
 *     http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
 *         .formLogin(Customizer.withDefaults())
 *         .httpBasic(Customizer.withDefaults());              // optional: 401 (not a login redirect) for API calls
 *     return http.build();
 * }
 * }</pre>
 *
 * <p>The console marks its calls with {@code X-Requested-With: XMLHttpRequest}; Spring Security's HTTP Basic
 * configuration answers such calls with a plain 401 when the session has ended, which the console reports. Without
 * it, a form-login-only chain redirects them to the login page, which the console reports as a lost session too.
 *
 * <p><b>Why a rule for the application's chain, and not a chain of our own.</b> Spring Boot backs its default
 * {@code SecurityFilterChain} off as soon as any {@code SecurityFilterChain} bean exists, so a chain contributed here,
 * even one scoped to the review paths with {@code securityMatcher}, would silently leave the rest of the application
 * unprotected; and a separate chain would need its own login. Registering an entry point here was rejected too:
 * Spring Security makes the first registered entry point the default for every path, so it would change how the
 * rest of the application answers unauthenticated requests. Stateless; it only configures the given builder.
 */
public final class CascadeReviewSecurity {

    private CascadeReviewSecurity() {
    }

    /**
     * Requires {@code properties.getAuthority()} for {@code <base-path>} and everything under it. Call it before the
     * application's own {@code authorizeHttpRequests} rules that end in {@code anyRequest()}.
     *
     * @return {@code http}, for chaining
     */
    public static HttpSecurity configure(HttpSecurity http, CascadeReviewWebProperties properties) {
        return configure(http, properties.getBasePath(), properties.getAuthority());
    }

    /**
     * As {@link #configure(HttpSecurity, CascadeReviewWebProperties)}, with the base path and authority given (for a
     * chain built where the properties bean is not available, e.g. when {@code cascade.review.web.enabled=false} on
     * some instances).
     *
     * @return {@code http}, for chaining
     * @throws IllegalArgumentException if the base path or authority is not valid (as the properties would refuse)
     */
    public static HttpSecurity configure(HttpSecurity http, String basePath, String authority) {
        CascadeReviewWebProperties checked = new CascadeReviewWebProperties();
        checked.setBasePath(basePath);
        checked.setAuthority(authority);
        String base = checked.getBasePath();
        String granted = checked.getAuthority();
        http.authorizeHttpRequests(a -> a.requestMatchers(base, base + "/**").hasAuthority(granted));
        return http;
    }
}
