package dev.cascade.spring.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import dev.cascade.review.AuditEntry;
import dev.cascade.review.JdbcReviewStore;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewState;
import dev.cascade.review.ReviewStore;

/**
 * The reviewer API over the durable store an application runs in production: {@code cascade.review.store=jdbc} on the
 * application's DataSource (H2 here; PostgreSQL is covered by the store's own contract tests). Claim, decide, repeat,
 * conflict, and the audit log as the database holds it.
 */
@SpringBootTest(classes = {ReviewWebTestApp.class, ReviewApiJdbcTest.Database.class},
        properties = "cascade.review.store=jdbc")
@AutoConfigureMockMvc
class ReviewApiJdbcTest {

    private static final String API = "/cascade/review/api";

    @TestConfiguration(proxyBeanMethods = false)
    static class Database {
        @Bean
        DataSource dataSource() {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:review-api-jdbc;DB_CLOSE_DELAY=-1");
            return h2;
        }
    }

    @Autowired
    private MockMvc mvc;

    @Autowired
    private ReviewStore store;

    @Test
    void aReviewerClaimsAndDecidesAnItemHeldInTheDatabase() throws Exception {
        assertThat(store).isInstanceOf(JdbcReviewStore.class);
        ReviewItem item = ReviewWebTestApp.submit(store, "jdbc-chain", "acme", 3);

        mvc.perform(get(API + "/items").param("chain", "jdbc-chain").with(user("alice").roles("REVIEWER")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.items[0].id").value(item.id()));
        mvc.perform(post(API + "/items/{id}/claim", item.id()).with(user("alice").roles("REVIEWER")).with(csrf()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("CLAIMED"));
        ReviewItem held = store.find(item.id()).orElseThrow();
        String body = "{\"verdict\":\"EDITED\",\"version\":" + held.version() + ",\"payloadHash\":\""
                + held.payloadHash() + "\",\"answer\":\"Refund issued for order 42\",\"comment\":\"checked\"}";

        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(user("alice").roles("REVIEWER")).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("EDITED"));
        // The same decision again (a retried request) returns the stored result; another reviewer's is a conflict.
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(user("alice").roles("REVIEWER")).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("EDITED"));
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(user("bob").roles("REVIEWER")).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content(body.replace("order 42", "order 43")))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.reason").value("ALREADY_DECIDED"));

        ReviewItem decided = store.find(item.id()).orElseThrow();
        assertThat(decided.state()).isEqualTo(ReviewState.EDITED);
        assertThat(decided.answer()).isEqualTo("Refund issued for order 42");
        assertThat(decided.decidedBy()).isEqualTo("alice");
        assertThat(store.audit(item.id())).extracting(AuditEntry::to)
                .containsExactly(ReviewState.PENDING, ReviewState.CLAIMED, ReviewState.EDITED);
    }
}
