package dev.cascade.examples.spring;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example on the durable review store ({@code cascade.review.store=jdbc}) on a real PostgreSQL (embedded): a
 * ticket with a NUL character reaches a reviewer like any other, and when the store does fail, the caller gets a
 * generic problem detail, never the database's error.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "cascade.review.store=jdbc")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TriageJdbcReviewTest {

    static final String NUL_TICKET = "Do you offer a discount\u0000 for non-profits? [sim:rate-limit]";

    static EmbeddedPostgres postgres;

    @TestConfiguration(proxyBeanMethods = false)
    static class Database {
        @Bean
        DataSource dataSource() throws IOException {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().start();
            }
            return postgres.getPostgresDatabase();
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ReviewStore store;

    @Autowired
    DataSource dataSource;

    RestTestClient http;

    @BeforeEach
    void client() {
        http = RestTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }

    @Test
    @Order(1)
    void aTicketWithANulCharacterReachesAReviewerExactly() {
        TriageResponse r = http.post().uri("/triage").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("ticket", NUL_TICKET)).exchange()
                .expectStatus().isAccepted()
                .expectBody(TriageResponse.class).returnResult().getResponseBody();
        assertThat(r).isNotNull();
        ReviewItem item = store.find(r.reviewId()).orElseThrow();
        assertThat(item.input()).isEqualTo(NUL_TICKET);
        assertThat(store.findByIdempotencyKey(item.idempotencyKey())).contains(item);
    }

    @Test
    @Order(2)
    void aFailingStoreIsA503WithoutTheDatabaseError() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE cascade_review_audit");
            s.execute("DROP TABLE cascade_review_item");
        }
        String body = http.post().uri("/triage").contentType(MediaType.APPLICATION_JSON)
                .body(Map.of("ticket", "Do you offer a discount for schools? [sim:rate-limit]")).exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).contains("review queue could not take the ticket").contains("executionId")
                .doesNotContain("cascade_review").doesNotContain("ERROR").doesNotContain("SQL")
                .doesNotContain("relation").doesNotContain("Exception").doesNotContain("schools");
    }
}
