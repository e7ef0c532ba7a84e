package dev.cascade.examples.spring;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.cascade.spring.web.RequestBodyLimitFilter;

/**
 * Caps {@code POST /triage} bodies at {@code triage.max-request-bytes} before anything parses them: a larger body is
 * a 413, answered after reading at most that much of it (and, with a larger {@code Content-Length}, none of it).
 * Without it Jackson would read a body of any size into memory before the controller's length check could refuse it.
 * Cascade caps its own endpoints (reviewer API, actuator) the same way.
 */
@Configuration(proxyBeanMethods = false)
class TriageWeb {

    @Bean
    FilterRegistrationBean<RequestBodyLimitFilter> triageBodyLimit(TriageProperties properties) {
        FilterRegistrationBean<RequestBodyLimitFilter> r = new FilterRegistrationBean<>(
                new RequestBodyLimitFilter(properties.maxRequestBytes().toBytes()));
        r.addUrlPatterns("/triage");
        r.setOrder(RequestBodyLimitFilter.ORDER); // before Spring Security's filters
        r.setName("triageBodyLimit");
        return r;
    }
}
