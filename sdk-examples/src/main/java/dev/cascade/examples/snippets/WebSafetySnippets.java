package dev.cascade.examples.snippets;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.cascade.Cascade;
import dev.cascade.api.CallContext;
import dev.cascade.api.Outcome;
import dev.cascade.spring.review.CascadeReviewSecurity;
import dev.cascade.spring.review.CascadeReviewWebProperties;
import dev.cascade.spring.web.RequestBodyLimitFilter;

/**
 * Documentation snippets for the Spring Boot page: capping request bodies before parsing, the operator role for
 * actuator writes, and a caller's idempotency key. Compiled so the docs cannot drift from the API; not run.
 */
final class WebSafetySnippets {

    private WebSafetySnippets() {
    }

    @Configuration(proxyBeanMethods = false)
    static class BodyLimit {
        // tag::body-limit[]
        @Bean
        FilterRegistrationBean<RequestBodyLimitFilter> ticketBodyLimit() {
            // Bodies over 128 KiB get 413 (problem+json) before Jackson or Spring Security read them.
            FilterRegistrationBean<RequestBodyLimitFilter> r =
                    new FilterRegistrationBean<>(new RequestBodyLimitFilter(128 * 1024));
            r.addUrlPatterns("/tickets", "/tickets/*");
            r.setOrder(RequestBodyLimitFilter.ORDER);   // ahead of Spring Security's filter chain
            return r;
        }
        // end::body-limit[]
    }

    @Configuration(proxyBeanMethods = false)
    static class Operators {
        // tag::operator-role[]
        @Bean
        SecurityFilterChain security(HttpSecurity http, CascadeReviewWebProperties review) throws Exception {
            CascadeReviewSecurity.configure(http, review);       // /cascade/review/** needs ROLE_REVIEWER
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .formLogin(Customizer.withDefaults())
                    .httpBasic(Customizer.withDefaults());
            return http.build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("rita").password("{noop}change-me").roles("REVIEWER").build(),
                    // POST /actuator/cascade/{chain}/{step} needs management.endpoint.cascade.operator-role
                    User.withUsername("oscar").password("{noop}change-me").roles("CASCADE_OPERATOR").build());
        }
        // end::operator-role[]
    }

    static Outcome<String> idempotent(Cascade<String, String> chain, String callerId, String idempotencyKeyHeader,
                                      String ticket) {
        // tag::idempotency-key[]
        // The client's Idempotency-Key header, scoped to the caller (the signed-in user, or the client address):
        // a retry with the same key finds the same review item instead of queueing a second one, and another
        // caller who sends the same key gets an item of its own.
        CallContext context = idempotencyKeyHeader == null ? CallContext.empty()
                : CallContext.empty().withIdempotencyKey(callerId + "|" + idempotencyKeyHeader);
        Outcome<String> out = chain.execute(ticket, context);
        // end::idempotency-key[]
        return out;
    }
}
