package dev.cascade.spring.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.sql.Connection;
import java.sql.Statement;

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

/**
 * When the review store's database fails, the reviewer API answers 500 with a generic problem detail: the database's
 * error (table names, SQL, values) stays in the server log.
 */
@SpringBootTest(classes = {ReviewWebTestApp.class, ReviewApiStoreFailureTest.Database.class},
        properties = "cascade.review.store=jdbc")
@AutoConfigureMockMvc
class ReviewApiStoreFailureTest {

    @TestConfiguration(proxyBeanMethods = false)
    static class Database {
        @Bean
        DataSource dataSource() {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:review-api-store-failure;DB_CLOSE_DELAY=-1");
            return h2;
        }
    }

    @Autowired
    private MockMvc mvc;

    @Autowired
    private DataSource dataSource;

    @Test
    void aFailingStoreIs500WithoutTheDatabaseError() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE cascade_review_audit");
            s.execute("DROP TABLE cascade_review_item");
        }
        String body = mvc.perform(get("/cascade/review/api/items").with(user("alice").roles("REVIEWER")))
                .andExpect(status().isInternalServerError())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("The review API failed; the server log has the details."))
                .andReturn().getResponse().getContentAsString();
        assertThat(body).doesNotContainIgnoringCase("cascade_review").doesNotContain("SQL")
                .doesNotContain("Exception").doesNotContainIgnoringCase("table");
    }
}
