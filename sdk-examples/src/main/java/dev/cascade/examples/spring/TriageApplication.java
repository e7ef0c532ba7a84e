package dev.cascade.examples.spring;

import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.cascade.spring.review.CascadeReviewWebProperties;

/**
 * A support-triage service: {@code POST /triage} runs a ticket through the chain {@code triage}, which is defined
 * entirely in {@code application.yml} (advanced OpenAI model, cheaper OpenAI model, keyword rules, human review; per
 * step timeout, retry and circuit breaker; a budget and a deadline). {@code /actuator/cascade} and
 * {@code /actuator/health} show the chain's breakers, budget and review queue. Tickets that go to a person are worked
 * in the reviewer console ({@code /cascade/review}, user {@code reviewer}, see {@link TriageSecurity}); the caller
 * reads the decision from {@code GET /triage/reviews/{id}}.
 *
 * <p>By default both models talk to a {@link SimulatedOpenAiServer} on loopback, so no API key is needed. From the
 * project root:
 * <pre>
 * # self-driving: sends tickets through its own endpoint, prints a table and the actuator's JSON, exits
 * mvn -B -q -Pspring -DskipTests package
 *
 * # as a server on :8080
 * mvn -B -q -pl sdk-examples -am package -DskipTests dependency:build-classpath \
 *     -Dmdep.outputFile=target/spring.cp -Dmdep.includeScope=runtime
 * java -cp "sdk-examples/target/classes:$(cat sdk-examples/target/spring.cp)" \
 *     dev.cascade.examples.spring.TriageApplication
 * curl -s localhost:8080/triage -H 'Content-Type: application/json' -d '{"ticket":"I was charged twice"}'
 *
 * # against OpenAI (or a compatible server)
 * ... TriageApplication --triage.simulator.enabled=false --spring.ai.openai.api-key=$OPENAI_API_KEY \
 *     [--spring.ai.openai.base-url=https://api.openai.com/v1]
 * </pre>
 */
@SpringBootApplication
@EnableConfigurationProperties(TriageProperties.class)
public class TriageApplication {

    private static final Pattern ANSWER = Pattern.compile("category: (billing|account|technical|other)\\.?");

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(TriageApplication.class, args);
        if (context.getBean(TriageProperties.class).demo()) {
            int exitCode;
            try {
                context.getBean(TriageDemo.class).run();
            } finally {
                exitCode = SpringApplication.exit(context); // a failed demo still stops the server, then throws
            }
            System.exit(exitCode);
        }
        if (context instanceof WebServerApplicationContext web) {
            String console = context.getBeanProvider(CascadeReviewWebProperties.class)
                    .getIfAvailable(CascadeReviewWebProperties::new).getBasePath();
            // Standard output, as the demo's own report: where to go next, never the password.
            System.out.println("Reviewer console: http://localhost:" + web.getWebServer().getPort() + console
                    + " (sign in as " + TriageSecurity.REVIEWER + " with triage.reviewer-password, or the generated"
                    + " password printed above); a caller reads a decision with GET /triage/reviews/{id}");
        }
    }

    /**
     * The chain's quality gate ({@code accept: triageAnswerFormat} in application.yml): a model answer that is not
     * one of the four categories is {@code REJECTED} and the next step runs.
     */
    @Bean
    Predicate<String> triageAnswerFormat() {
        return answer -> ANSWER.matcher(answer.strip().toLowerCase(Locale.ROOT)).matches();
    }
}
