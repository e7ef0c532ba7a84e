package dev.cascade.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.spring.CascadeAutoConfiguration;
import dev.cascade.spring.CascadeChains;

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
    }
}
