package dev.cascade.cache;

import java.util.Objects;

/**
 * One exact cache key: a {@link CacheScope} and the normalised input text (NFKC, lower case, whitespace collapsed),
 * so case never splits an exact hit. The input with its case kept, which a {@link MatchGuard} compares, travels beside
 * it ({@link CacheEntry#inputText()}). Immutable. In-memory stores use it as it is; stores that persist it use
 * {@link #hash()}.
 *
 * @param scope the scope no lookup may cross
 * @param input the normalised input text
 */
public record CacheKey(CacheScope scope, String input) {

    public CacheKey {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(input, "input");
    }

    /** Hex SHA-256 of the scope's parts and the input: the indexed key of persistent stores. */
    public String hash() {
        return CacheScope.sha256(scope.chain(), scope.tenant(), scope.namespace(), scope.configuration(), input);
    }

    /** Deliberately omits the input text: keys end up in logs. */
    @Override
    public String toString() {
        return "CacheKey[chain=" + scope.chain() + ", namespace=" + scope.namespace() + ", inputChars="
                + input.length() + "]";
    }
}
