package dev.cascade.examples.snippets.spring;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.cascade.spring.review.CascadeReviewSecurity;
import dev.cascade.spring.review.CascadeReviewWebProperties;

/** The security an application adds for the reviewer console and API, as in docs/review.md. */
@Configuration(proxyBeanMethods = false)
class ReviewSecurityConfig {

    // tag::review-security[]
    @Bean
    SecurityFilterChain security(HttpSecurity http, CascadeReviewWebProperties review) throws Exception {
        CascadeReviewSecurity.configure(http, review);      // <base-path>/** requires cascade.review.web.authority
        http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
            .formLogin(Customizer.withDefaults())
            .httpBasic(Customizer.withDefaults());          // optional: API calls without a session get 401, not a redirect
        return http.build();
    }

    @Bean
    UserDetailsService users() {                            // or your identity provider
        return new InMemoryUserDetailsManager(
            User.withUsername("alice").password("{bcrypt}...").roles("REVIEWER").build());
    }
    // end::review-security[]
}
