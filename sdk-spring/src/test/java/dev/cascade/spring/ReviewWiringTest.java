package dev.cascade.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.cascade.api.FailureKind;
import dev.cascade.api.Outcome;
import dev.cascade.api.ReviewDecision;
import dev.cascade.review.DurableReviewQueue;
import dev.cascade.review.InMemoryReviewStore;
import dev.cascade.review.JdbcReviewStore;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewPolicy;
import dev.cascade.review.ReviewState;
import dev.cascade.review.ReviewStore;

/** The human-review step from properties: the store bean, the chain's durable queue, its policy, decisions back. */
class ReviewWiringTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class))
            .withBean("down", TestModel.class, () -> TestModel.failing("gpt-4o", FailureKind.UNAVAILABLE))
            .withPropertyValues(
                    "cascade.chains.desk.steps[0].model=down",
                    "cascade.chains.desk.steps[1].name=people",
                    "cascade.chains.desk.steps[1].human-review=true",
                    "cascade.chains.desk.steps[1].review.priority=7",
                    "cascade.chains.desk.steps[1].review.sla=4h",
                    "cascade.chains.desk.steps[1].review.on-breach=expire",
                    "cascade.chains.desk.steps[1].review.default-answer=We will get back to you");

    @Test
    void aPendingItemCarriesThePolicyAndTheCallerHearsTheDecision() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed();
            ReviewStore store = ctx.getBean(ReviewStore.class);
            assertThat(store).isInstanceOf(InMemoryReviewStore.class);
            CascadeChains chains = ctx.getBean(CascadeChains.class);
            assertThat(chains.entry("desk").review()).containsInstanceOf(DurableReviewQueue.class);

            Outcome<String> out = chains.get("desk").execute("Please help");
            assertThat(out.status()).isEqualTo(Outcome.Status.PENDING_REVIEW);
            String id = out.pendingReview().orElseThrow().id();
            ReviewItem item = store.find(id).orElseThrow();
            assertThat(item.chain()).isEqualTo("desk");
            assertThat(item.step()).isEqualTo("people");
            assertThat(item.input()).isEqualTo("Please help");
            assertThat(item.priority()).isEqualTo(7);
            assertThat(item.onBreach()).isEqualTo(ReviewPolicy.Breach.EXPIRE);
            assertThat(item.defaultAnswer()).isEqualTo("We will get back to you");
            // The queue stamps the due time just before the store stamps creation.
            assertThat(Duration.between(item.createdAt(), item.dueAt())).isBetween(Duration.ofHours(4).minusMinutes(1),
                    Duration.ofHours(4));
            assertThat(item.attempts()).isNotEmpty();

            ReviewItem claimed = store.claim(id, "alice", Duration.ofMinutes(5));
            store.decide(new ReviewStore.Decide(id, "alice", claimed.version(), claimed.payloadHash(),
                    ReviewDecision.Verdict.EDITED, "Reset your password from the login page", "typo fixed"));
            ReviewDecision<String> decision = out.pendingReview().orElseThrow().decision().get(10, TimeUnit.SECONDS);
            assertThat(decision.answer()).contains("Reset your password from the login page");
            assertThat(decision.reviewer()).isEqualTo("alice");
            assertThat(store.find(id).orElseThrow().state()).isEqualTo(ReviewState.EDITED);
        });
    }

    @Test
    void theJdbcStoreUsesTheApplicationsDataSourceAndSurvivesTheContext() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:review-wiring;DB_CLOSE_DELAY=-1");
        String[] id = new String[1];
        runner.withBean(DataSource.class, () -> h2).withPropertyValues("cascade.review.store=jdbc").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(ReviewStore.class)).isInstanceOf(JdbcReviewStore.class);
            id[0] = ctx.getBean(CascadeChains.class).get("desk").execute("Billing question").pendingReview()
                    .orElseThrow().id();
        });
        // A new context on the same database (a restarted application) sees the item.
        runner.withBean(DataSource.class, () -> h2).withPropertyValues("cascade.review.store=jdbc").run(ctx -> {
            ReviewItem item = ctx.getBean(ReviewStore.class).find(id[0]).orElseThrow();
            assertThat(item.input()).isEqualTo("Billing question");
            assertThat(item.state()).isEqualTo(ReviewState.PENDING);
        });
    }

    private FailureAnalysis analysisOf(ApplicationContextRunner r) {
        return StartupFailures.analysisOf(r);
    }

    @Test
    void badReviewSettingsNameTheProperty() {
        assertThat(analysisOf(runner.withPropertyValues("cascade.review.store=jdbc")).getDescription())
                .contains("cascade.review.store").contains("no single DataSource");
        assertThat(analysisOf(runner.withPropertyValues("cascade.review.store=s3")).getAction())
                .contains("memory or jdbc");
        assertThat(analysisOf(runner.withPropertyValues("cascade.chains.desk.steps[1].review.on-breach=panic"))
                .getDescription()).contains("cascade.chains.desk.steps[1].review.on-breach").contains("'panic'");
        assertThat(analysisOf(runner.withPropertyValues("cascade.chains.desk.steps[0].review.priority=1"))
                .getDescription()).contains("cascade.chains.desk.steps[0].review")
                .contains("human-review step only");
        assertThat(analysisOf(runner.withPropertyValues("cascade.review.poll-interval=0s")).getDescription())
                .contains("cascade.review.poll-interval");
    }
}
