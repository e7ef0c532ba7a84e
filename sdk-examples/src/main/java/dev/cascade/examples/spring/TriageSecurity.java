package dev.cascade.examples.spring;

import java.security.SecureRandom;
import java.util.Base64;

import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.cascade.spring.review.CascadeReviewSecurity;
import dev.cascade.spring.review.CascadeReviewWebProperties;

/**
 * The example's security: the triage API stays open to machine clients, the reviewer console and API
 * ({@code /cascade/review}, from cascade-spring) need the reviewer authority, everything else a signed-in user.
 * One demo user, {@value #REVIEWER}, whose password is {@code triage.reviewer-password}, or, when that is not set, a
 * random one printed once on standard output at startup. With {@code triage.operator-password} set, a second user,
 * {@value #OPERATOR}, holds the role that changing a breaker through {@code POST /actuator/cascade/{chain}/{step}}
 * needs ({@code management.endpoint.cascade.operator-role}, default {@code CASCADE_OPERATOR}); the reviewer does not.
 */
@Configuration(proxyBeanMethods = false)
class TriageSecurity {

    static final String REVIEWER = "reviewer";
    static final String OPERATOR = "operator";

    /**
     * The demo reviewer's credentials. The password is kept in clear only so the self-driving demo can sign in as the
     * reviewer in-process; the user store holds its bcrypt hash. Immutable.
     */
    record Reviewer(String username, String password) {

        /** Never the password. */
        @Override
        public String toString() {
            return "Reviewer[" + username + "]";
        }
    }

    @Bean
    SecurityFilterChain triageSecurityFilterChain(HttpSecurity http,
                                                  ObjectProvider<CascadeReviewWebProperties> review) throws Exception {
        http.authorizeHttpRequests(a -> a
                // Machine clients: submit a ticket, look its review up by id. POST /triage is rate limited per caller
                // and body-capped (TriageController, TriageWeb); review ids are 128 random bits, so knowing one id
                // tells nothing about another. A production service still authenticates these callers (e.g. OAuth2
                // client credentials), which also makes the rate limit per client rather than per address.
                .requestMatchers(HttpMethod.POST, "/triage").permitAll()
                .requestMatchers(HttpMethod.GET, "/triage/reviews/*").permitAll()
                // Open as before security came in, for the demo; production protects the actuator (or serves it
                // on a management port only operators reach).
                .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**", "/actuator/cascade",
                        "/actuator/cascade/**").permitAll()
                // Spring MVC renders errors (e.g. a 415 for a non-JSON POST /triage, or this chain's own 401) on an
                // ERROR dispatch of the same request, which must not be refused in turn.
                .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll());
        // <base-path>/** requires cascade.review.web.authority. Without the console (cascade.review.web.enabled=false)
        // the default path stays protected all the same.
        CascadeReviewSecurity.configure(http, review.getIfAvailable(CascadeReviewWebProperties::new));
        http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                // /triage/** is a stateless JSON API: no browser session, no cookies, no login, so there is nothing
                // for a cross-site request to ride on. Everything else, the reviewer console and API included, keeps
                // CSRF protection (the console reads its token from /cascade/review/api/session).
                .csrf(c -> c.ignoringRequestMatchers("/triage/**"))
                .formLogin(Customizer.withDefaults())
                // API calls without a session get a 401 instead of a redirect to the login page.
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    Reviewer triageReviewer(@Value("${triage.reviewer-password:}") String password) {
        if (!password.isBlank()) {
            return new Reviewer(REVIEWER, password);
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        // Standard output on purpose, once, as Spring Boot does with its generated password: an example run in a
        // terminal. Never through a logger, whose lines may be shipped to a log store.
        System.out.printf("%nUsing generated password for the reviewer console (user %s): %s%n"
                + "Set triage.reviewer-password (or TRIAGE_REVIEWER_PASSWORD) to choose one.%n%n", REVIEWER, generated);
        return new Reviewer(REVIEWER, generated);
    }

    /**
     * The demo reviewer, granted exactly the authority the review paths require (default ROLE_REVIEWER); and, when
     * {@code triage.operator-password} is set, the operator, granted only the actuator's operator role.
     */
    @Bean
    UserDetailsService triageUsers(Reviewer reviewer, ObjectProvider<CascadeReviewWebProperties> review,
                                   @Value("${triage.operator-password:}") String operatorPassword,
                                   @Value("${management.endpoint.cascade.operator-role:CASCADE_OPERATOR}")
                                   String operatorRole) {
        String authority = review.getIfAvailable(CascadeReviewWebProperties::new).getAuthority();
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(User.withUsername(reviewer.username())
                .password(encoder.encode(reviewer.password()))
                .authorities(authority)
                .build());
        if (!operatorPassword.isBlank()) {
            users.createUser(User.withUsername(OPERATOR).password(encoder.encode(operatorPassword))
                    .roles(operatorRole.startsWith("ROLE_") ? operatorRole.substring(5) : operatorRole).build());
        }
        return users;
    }
}
