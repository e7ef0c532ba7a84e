package dev.cascade.spring.observability;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.cascade.Cascade;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;

/**
 * A Boot web application as a user writes it: Boot's auto-configuration (Actuator, Micrometer, Micrometer Tracing with
 * the OpenTelemetry bridge, Cascade), a chain from properties (an advanced model that is down, a cheap one that
 * answers) and a controller that calls it. The tests add how tracing is set up.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ObservabilityTestApp {

    @Bean
    SecurityFilterChain open(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable()).build();
    }

    @Bean
    ModelClient advancedModel() {
        return model("gpt-advanced", false);
    }

    @Bean
    ModelClient cheapModel() {
        return model("gpt-cheap", true);
    }

    private static ModelClient model(String name, boolean answers) {
        return new ModelClient() {
            @Override
            public ModelResponse call(dev.cascade.api.ModelRequest request) throws ModelCallException {
                if (!answers) {
                    throw new ModelCallException(FailureKind.UNAVAILABLE, name + " is down (503)");
                }
                return new ModelResponse("billing", Usage.of(120, 8), "stop", name);
            }

            @Override
            public String provider() {
                return "openai";
            }

            @Override
            public String model() {
                return name;
            }
        };
    }

    @RestController
    static class TriageEndpoint {
        private final Cascade<String, String> triage;

        TriageEndpoint(@Qualifier("triage") Cascade<String, String> triage) {
            this.triage = triage;
        }

        @PostMapping("/triage")
        String triage(@RequestBody String ticket) {
            return triage.execute(ticket).answer().orElse("none");
        }
    }
}
