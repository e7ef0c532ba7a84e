package dev.cascade.review;

import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision;
import dev.cascade.budget.JdbcBudgetLedger;
import dev.cascade.review.ReviewDatabases.Kind;
import dev.cascade.spi.BudgetLedger.Balance;
import dev.cascade.spi.BudgetLedger.Hold;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The stores on a DataSource without a pool, as an application's plain {@code JdbcDataSource} (or a pool that retired
 * the connection) hands them: every operation, {@code createSchema()} included, runs on its own connection, closed
 * afterwards. H2 2.4.240 (the version Spring Boot 4.0 manages) bound a CHECK with an {@code IN} list of constants to
 * the connection that created the table, so every insert after that connection closed failed with "Check constraint
 * invalid ... The database has been closed" (H2 issue 4302). The shipped schemas now use {@code = ANY (ARRAY[...])}.
 *
 * <p>The pom runs this class twice: on the H2 the build pins, and again on Spring Boot's H2 (execution
 * {@code h2-spring-boot}); PostgreSQL proves the same schema there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaOutlivesItsConnectionTest {

    private final ReviewDatabases databases = new ReviewDatabases();

    @AfterAll
    void close() throws Exception {
        databases.close();
    }

    /** A fresh database (H2) or schema (PostgreSQL) behind a DataSource that opens a new connection each time. */
    private DataSource unpooled(Kind kind) throws Exception {
        String url = databases.freshUrl(kind);
        if (kind == Kind.POSTGRESQL) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setUrl(url);
            pg.setUser("postgres");
            pg.setPassword("");
            return pg;
        }
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(url);
        return h2;
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRESQL"})
    void reviewItemsAreWrittenAfterTheConnectionThatCreatedTheSchemaClosed(Kind kind) throws Exception {
        DataSource ds = unpooled(kind);
        new JdbcReviewStore(ds).createSchema();
        JdbcReviewStore store = new JdbcReviewStore(ds);

        ReviewItem item = store.submit(new ReviewStore.Submission("support", "desk", "acme", "exec-1", "key-1",
                "Where is my refund?", List.of(), Money.ofMicros(5), Map.of(), 3, null, ReviewPolicy.Breach.EXPIRE,
                "We will get back to you"));
        ReviewItem claimed = store.claimNext("alice", Duration.ofMinutes(5), ReviewQuery.open()).orElseThrow();
        store.decide(new ReviewStore.Decide(item.id(), "alice", claimed.version(), claimed.payloadHash(),
                ReviewDecision.Verdict.EDITED, "Refund issued", "checked"));

        ReviewItem decided = store.find(item.id()).orElseThrow();
        assertThat(decided.state()).isEqualTo(ReviewState.EDITED);
        assertThat(decided.onBreach()).isEqualTo(ReviewPolicy.Breach.EXPIRE);
        assertThat(store.audit(item.id())).extracting(AuditEntry::to)
                .containsExactly(ReviewState.PENDING, ReviewState.CLAIMED, ReviewState.EDITED);

        // The checks still hold: a state or breach policy the store does not know is refused by the database.
        assertCheckRefuses(ds, "UPDATE cascade_review_item SET state = ? WHERE id = ?", "LOST", item.id());
        assertCheckRefuses(ds, "UPDATE cascade_review_item SET on_breach = ? WHERE id = ?", "IGNORE", item.id());
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRESQL"})
    void budgetReservationsAreWrittenAfterTheConnectionThatCreatedTheSchemaClosed(Kind kind) throws Exception {
        DataSource ds = unpooled(kind);
        new JdbcBudgetLedger(ds).createSchema();
        JdbcBudgetLedger ledger = new JdbcBudgetLedger(ds);

        assertThat(ledger.reserve("r1", List.of(new Hold("chain:desk", 1_000, 400)))).isNull();
        ledger.settle("r1", 250);

        assertThat(ledger.balance("chain:desk")).isEqualTo(new Balance(250, 0));
        assertThat(ledger.openReservations()).isZero();
        assertCheckRefuses(ds, "UPDATE cascade_budget_reservation SET state = ? WHERE reservation_id = ?", "LOST",
                "r1");
    }

    /** The statement fails on a CHECK constraint: SQLSTATE 23514 (PostgreSQL, the standard) or 23513 (H2). */
    private static void assertCheckRefuses(DataSource ds, String sql, String value, String id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setString(2, id);
            assertThatThrownBy(ps::executeUpdate).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("23513", "23514"));
        }
    }
}
