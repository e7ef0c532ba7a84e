package dev.cascade.review;

import dev.cascade.jdbc.ConflictRetryContract;
import dev.cascade.jdbc.JdbcTransactions;

/** The review store's transactions keep the shared conflict-retry rule. */
class ReviewStoreConflictRetryTest extends ConflictRetryContract {
    private final JdbcTransactions<ReviewDialect> tx =
            new JdbcTransactions<>(h2, ReviewDialect::of, "review store", 3, IllegalStateException::new);

    @Override
    protected JdbcTransactions<?> transactions() {
        return tx;
    }

    @Override
    protected String storeName() {
        return "review store";
    }
}
