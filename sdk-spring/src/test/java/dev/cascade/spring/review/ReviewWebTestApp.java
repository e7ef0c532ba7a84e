package dev.cascade.spring.review;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.StepKind;
import dev.cascade.review.ReviewAttempt;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewStore;

/**
 * The application the review web tests run: Boot's auto-configuration (with Cascade's review store: in memory unless
 * {@code cascade.review.store=jdbc}), and a security chain
 * written the way the documentation tells applications to (form login and HTTP Basic, CSRF left on, the
 * review rule from {@link CascadeReviewSecurity}). Users: alice and bob are reviewers, eve is signed in without the authority.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ReviewWebTestApp {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String MODEL_ANSWER = "Refund approved <b>today</b>";

    @Bean
    SecurityFilterChain security(HttpSecurity http, CascadeReviewWebProperties review) throws Exception {
        CascadeReviewSecurity.configure(http, review);
        http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}alice-pw").roles("REVIEWER").build(),
                User.withUsername("bob").password("{noop}bob-pw").roles("REVIEWER").build(),
                User.withUsername("eve").password("{noop}eve-pw").roles("USER").build());
    }

    /** Submits an item with one rejected model attempt (its answer kept) and a sampled trace. */
    static ReviewItem submit(ReviewStore store, String chain, String tenant, int priority) {
        String key = "key-" + UUID.randomUUID();
        ReviewAttempt rejected = new ReviewAttempt("cheap", StepKind.MODEL, 1, Attempt.Status.REJECTED,
                FailureKind.REJECTED, "the accept gate refused the answer", "gpt-test", Money.usd("0.0012"),
                Duration.ofMillis(40), MODEL_ANSWER);
        ReviewAttempt failed = new ReviewAttempt("advanced", StepKind.MODEL, 1, Attempt.Status.FAILED,
                FailureKind.UNAVAILABLE, "503 from the provider", null, Money.ZERO, Duration.ofMillis(12), null);
        return store.submit(new ReviewStore.Submission(chain, "desk", tenant, "exec-" + key, key,
                "Ticket: please refund order 42 " + key, List.of(failed, rejected), Money.usd("0.0012"),
                Map.of("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01"), priority, null, null, null));
    }
}
