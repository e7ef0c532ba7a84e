package dev.cascade.review;

import dev.cascade.api.CascadeException;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A store that fails (here: its tables were never created) throws the {@link ReviewStore} contract's
 * {@link ReviewStoreException}, a {@link CascadeException}, naming the operation and carrying the database's error.
 */
class ReviewStoreFailureTest {

    private final JdbcConnectionPool pool = JdbcConnectionPool.create(
            "jdbc:h2:mem:review_store_failure;DB_CLOSE_DELAY=-1", "sa", "");

    @AfterEach
    void close() {
        pool.dispose();
    }

    @Test
    void aDatabaseErrorIsAReviewStoreExceptionNamingTheOperation() {
        JdbcReviewStore store = new JdbcReviewStore(pool);

        assertThatThrownBy(() -> store.find("item-1"))
                .isInstanceOf(ReviewStoreException.class)
                .isInstanceOf(CascadeException.class)
                .hasMessageStartingWith("review store ")
                .hasRootCauseInstanceOf(SQLException.class);
        assertThatThrownBy(() -> store.claim("item-1", "alice", Duration.ofMinutes(5)))
                .isInstanceOf(ReviewStoreException.class)
                .hasRootCauseInstanceOf(SQLException.class);
    }
}
