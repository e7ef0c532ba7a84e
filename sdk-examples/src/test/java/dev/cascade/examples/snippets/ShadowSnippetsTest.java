package dev.cascade.examples.snippets;

import dev.cascade.Cascade;
import dev.cascade.api.Outcome;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** The shadow and template doc snippets build and do what the docs say. */
class ShadowSnippetsTest {

    @Test
    void theShadowSnippetSamplesAndCompares() {
        Cascade<String, String> triage = ShadowSnippets.shadow(ShadowSnippets.answering("Billing"),
                ShadowSnippets.answering("billing "));
        for (int i = 0; i < 200; i++) {
            assertThat(triage.execute("ticket " + i).answer()).contains("billing");
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (triage.shadows().get(0).pending() > 0 && System.nanoTime() < until) {
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(triage.shadows().get(0).pending()).isZero();
        assertThat(triage.shadows().get(0).executions()).isEqualTo(200);
        assertThat(triage.shadows().get(0).agreements()).isEqualTo(triage.shadows().get(0).compared());
        assertThat(ShadowSnippets.report(triage)).startsWith("nano ");
    }

    @Test
    void theTemplateSnippetNamesTheAnsweringStepsTemplate() {
        Outcome<String> out = ShadowSnippets.templates(ShadowSnippets.answering("billing"),
                ShadowSnippets.answering("billing"));
        assertThat(out.templateId()).contains("triage-mini-v2");
    }

    @Test
    void aScorerAdaptedAsComparatorAgreesOnNormalisedLabelsOnly() {
        Cascade<String, String> agreeing = ShadowSnippets.shadowWithScorer(ShadowSnippets.answering("Billing."),
                ShadowSnippets.answering("billing"));
        Cascade<String, String> disagreeing = ShadowSnippets.shadowWithScorer(ShadowSnippets.answering("Billing."),
                ShadowSnippets.answering("refund"));
        for (int i = 0; i < 400; i++) {
            assertThat(agreeing.execute("ticket " + i).answer()).contains("Billing.");
            assertThat(disagreeing.execute("ticket " + i).answer()).contains("Billing.");
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((agreeing.shadows().get(0).pending() > 0 || disagreeing.shadows().get(0).pending() > 0)
                && System.nanoTime() < until) {
            LockSupport.parkNanos(1_000_000);
        }
        assertThat(agreeing.shadows().get(0).compared()).as("5% of 400 executions").isPositive();
        assertThat(agreeing.shadows().get(0).agreementRate()).isEqualTo(1.0);
        assertThat(disagreeing.shadows().get(0).compared()).isPositive();
        assertThat(disagreeing.shadows().get(0).agreements()).isZero();
        assertThat(disagreeing.shadows().get(0).errors()).isZero();
    }
}
