package dev.cascade.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The continuous-validation YAML handed in for docs/spring-boot.md loads and Cascade starts on it (validation enabled,
 * the ROI demo's data set), and the docs' YAML check catches a misspelled validation key.
 */
class ValidationDocsYamlTest {

    static final String YAML = """
            cascade:
              chains:
                triage-advanced:
                  steps:
                    - model: advancedModel
                triage:
                  steps:
                    - rules:
                        - keywords: [password]
                          answer: account
                    - model: cheapModel
                    - model: advancedModel
              validation:
                enabled: true
                cron: "0 0 3 * * *"
                dataset: classpath:roi/tickets.jsonl
                variants: [triage-advanced, triage]
                scorer: exact
                max-error-rate: 0.05
                max-cost-increase: 0.15
                counterfactual:
                  model: gpt-4o
                  input-per-million: "2.50"
                  output-per-million: "10.00"
            management:
              endpoints:
                web:
                  exposure:
                    include: cascaderoi
            """;

    @Test
    void theValidationYamlLoadsAndCascadeStartsOnIt() {
        assertThat(DocsYaml.check("validation", 1, YAML)).isEmpty();
    }

    @Test
    void aMisspelledValidationKeyIsCaught() {
        assertThat(DocsYaml.check("validation", 1, YAML.replace("max-error-rate", "max-eror-rate")))
                .anySatisfy(p -> assertThat(p).contains("cascade.validation.max-eror-rate"));
        assertThat(DocsYaml.check("validation", 1, YAML.replace("[triage-advanced, triage]", "[triage-advanced, triag]")))
                .anySatisfy(p -> assertThat(p).contains("cascade.validation.variants[1]"));
    }
}
