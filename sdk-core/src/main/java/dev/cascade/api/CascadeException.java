package dev.cascade.api;

/**
 * The root of Cascade's exceptions: catch it to handle anything Cascade throws on purpose. Unchecked, like every
 * exception of the library. Its families:
 * <ul>
 *   <li>{@link NoAnswerException}: the chain could not answer (thrown only when the caller asks for it, with
 *       {@link Outcome#orElseThrow()}; inside a chain, failures are values, {@link Attempt});</li>
 *   <li>{@link CascadeConfigurationException}: a configuration that cannot work, refused while building, naming
 *       the field path, the value and the fix;</li>
 *   <li>{@link dev.cascade.review.ReviewConflictException}: a review operation the item's state refuses;</li>
 *   <li>{@link dev.cascade.review.ReviewStoreException} and {@link dev.cascade.spi.BudgetLedgerException}: the
 *       store or ledger itself failed (a database error); each interface says whether the operation may have
 *       happened and whether it is safe to retry.</li>
 * </ul>
 * Argument checks on plain values ({@code null} where an object is required) still throw the JDK's
 * {@link NullPointerException}. Instances are immutable, so thread-safe.
 */
public class CascadeException extends RuntimeException {
    private static final long serialVersionUID = 2L;

    public CascadeException(String message) {
        super(message);
    }

    public CascadeException(String message, Throwable cause) {
        super(message, cause);
    }
}
