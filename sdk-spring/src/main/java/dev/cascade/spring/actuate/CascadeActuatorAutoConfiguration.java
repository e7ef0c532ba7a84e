package dev.cascade.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import dev.cascade.spring.CascadeAutoConfiguration;
import dev.cascade.spring.CascadeChains;
import dev.cascade.spring.web.RequestBodyLimitFilter;

/**
 * Actuator support: a health contributor {@code cascade} with one indicator per chain (needs spring-boot-health),
 * and the {@code cascade} endpoint (needs spring-boot-actuator, exposed as usual with
 * {@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = CascadeAutoConfiguration.class)
@ConditionalOnBean(CascadeChains.class)
public class CascadeActuatorAutoConfiguration {

    /** Health: one indicator per chain under {@code cascade}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("cascade")
    static class Health {

        @Bean
        @ConditionalOnMissingBean(name = "cascadeHealthContributor")
        HealthContributor cascadeHealthContributor(CascadeChains chains) {
            Map<String, HealthContributor> byChain = new LinkedHashMap<>();
            for (CascadeChains.Entry e : chains.entries()) {
                byChain.put(e.name(), new ChainHealthIndicator(e));
            }
            return CompositeHealthContributor.fromMap(byChain);
        }
    }

    /** The {@code /actuator/cascade} endpoint. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    @ConditionalOnAvailableEndpoint(CascadeEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        CascadeEndpoint cascadeEndpoint(CascadeChains chains) {
            return new CascadeEndpoint(chains);
        }

        /** The HTTP write operation, for callers with {@code management.endpoint.cascade.operator-role}. */
        @Bean
        @ConditionalOnMissingBean
        CascadeEndpointWebExtension cascadeEndpointWebExtension(CascadeChains chains, Environment environment) {
            return new CascadeEndpointWebExtension(chains, environment.getProperty(
                    "management.endpoint.cascade.operator-role", CascadeEndpointWebExtension.DEFAULT_OPERATOR_ROLE));
        }

        /**
         * Bodies sent to {@code /actuator/cascade/**} are capped at {@value #MAX_BODY_BYTES} bytes (the one write takes
         * {@code {"action":"reset"}}): a larger one is a 413 before it is read. Applies to the application's own
         * server; on a separate management port ({@code management.server.port}) the container's limits apply.
         */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
        @ConditionalOnClass(name = "jakarta.servlet.Filter")
        static class BodyLimit {

            static final int MAX_BODY_BYTES = 4096;

            @Bean
            FilterRegistrationBean<RequestBodyLimitFilter> cascadeActuatorBodyLimit(Environment environment) {
                String base = environment.getProperty("management.endpoints.web.base-path", "/actuator");
                String path = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/cascade";
                FilterRegistrationBean<RequestBodyLimitFilter> r = new FilterRegistrationBean<>(
                        new RequestBodyLimitFilter(MAX_BODY_BYTES));
                r.addUrlPatterns(path, path + "/*");
                r.setOrder(RequestBodyLimitFilter.ORDER);
                r.setName("cascadeActuatorBodyLimit");
                return r;
            }
        }
    }
}
