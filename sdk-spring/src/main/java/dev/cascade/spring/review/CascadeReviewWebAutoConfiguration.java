package dev.cascade.spring.review;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;

import dev.cascade.review.ReviewStore;
import dev.cascade.spring.CascadeAutoConfiguration;
import dev.cascade.spring.web.RequestBodyLimitFilter;

/**
 * The reviewer REST API (under {@code <base-path>/api}) and console (at {@code <base-path>}, default
 * {@code /cascade/review}) over the application's {@link ReviewStore} bean. Registered when all of these hold:
 * <ul>
 *   <li>a servlet web application with Spring MVC;</li>
 *   <li>a {@code ReviewStore} bean (Cascade's auto-configuration provides one; an application may define its own);</li>
 *   <li>{@code cascade.review.web.enabled} is not {@code false};</li>
 *   <li>Spring Security is on the classpath, or the application opted in with
 *       {@code cascade.review.web.allow-without-spring-security=true} (fail safe: without either, nothing is exposed).</li>
 * </ul>
 *
 * <p><b>Security.</b> This does not install a {@code SecurityFilterChain}: the application owns its security. It needs
 * one rule, that {@code <base-path>/**} requires the authority (default {@code ROLE_REVIEWER}), and keeps Spring
 * Security's CSRF protection on; {@link CascadeReviewSecurity#configure} adds exactly that to the application's chain.
 * The API and console also check the authority themselves, so a forgotten rule fails closed (401/403), and refuse
 * state changes that Spring Security's CSRF filter did not see ({@code cascade.review.web.require-csrf}).
 */
@AutoConfiguration(after = CascadeAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnBean(ReviewStore.class)
@ConditionalOnBooleanProperty(name = "cascade.review.web.enabled", matchIfMissing = true)
@Conditional(CascadeReviewWebAutoConfiguration.SecuredOrOptedIn.class)
@EnableConfigurationProperties(CascadeReviewWebProperties.class)
public class CascadeReviewWebAutoConfiguration {

    static final String SPRING_SECURITY_CONTEXT = "org.springframework.security.core.context.SecurityContextHolder";
    static final String SPRING_SECURITY_CSRF = "org.springframework.security.web.csrf.CsrfToken";

    @Bean
    ReviewApiController cascadeReviewApiController(ReviewStore store, ReviewerAccess access,
                                                   CascadeReviewWebProperties properties,
                                                   ObjectProvider<Clock> clock) {
        return new ReviewApiController(store, access, properties, clock.getIfUnique(Clock::systemUTC));
    }

    /**
     * {@code cascade.review.web.max-request-bytes} on every API path: a larger body is a 413 before Spring Security
     * or Jackson touch it.
     */
    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> cascadeReviewBodyLimit(CascadeReviewWebProperties properties) {
        FilterRegistrationBean<RequestBodyLimitFilter> r = new FilterRegistrationBean<>(
                new RequestBodyLimitFilter(properties.getMaxRequestBytes().toBytes()));
        r.addUrlPatterns(properties.apiPath(), properties.apiPath() + "/*");
        r.setOrder(RequestBodyLimitFilter.ORDER);
        r.setName("cascadeReviewBodyLimit");
        return r;
    }

    @Bean
    ReviewWebMvcConfigurer cascadeReviewWebMvcConfigurer(CascadeReviewWebProperties properties, ReviewerAccess access) {
        return new ReviewWebMvcConfigurer(properties, new ReviewConsoleInterceptor(access));
    }

    /** With Spring Security: the reviewer is the authenticated principal, CSRF is Spring Security's. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {SPRING_SECURITY_CONTEXT, SPRING_SECURITY_CSRF})
    static class SpringSecurityAccess {
        @Bean
        ReviewerAccess cascadeReviewerAccess(CascadeReviewWebProperties properties) {
            return new SpringSecurityReviewerAccess(properties.getAuthority());
        }
    }

    /** Without Spring Security (opted in): the servlet container's principal and roles. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(SpringSecurityMissing.class)
    static class ServletAccess {
        @Bean
        ReviewerAccess cascadeReviewerAccess(CascadeReviewWebProperties properties) {
            return new ServletReviewerAccess(properties.getAuthority());
        }
    }

    /** Spring Security is present, or the application explicitly allowed running without it. */
    static final class SecuredOrOptedIn extends AnyNestedCondition {

        SecuredOrOptedIn() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnClass(name = {SPRING_SECURITY_CONTEXT, SPRING_SECURITY_CSRF})
        static final class SpringSecurityPresent {
        }

        @ConditionalOnBooleanProperty(name = "cascade.review.web.allow-without-spring-security")
        static final class OptedIn {
        }
    }

    /** Not both of Spring Security's core and web classes are present. */
    static final class SpringSecurityMissing extends NoneNestedConditions {

        SpringSecurityMissing() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnClass(name = {SPRING_SECURITY_CONTEXT, SPRING_SECURITY_CSRF})
        static final class SpringSecurityPresent {
        }
    }
}
