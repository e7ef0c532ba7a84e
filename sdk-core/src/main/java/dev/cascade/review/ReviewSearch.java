package dev.cascade.review;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A page of the review queue as a work list shows it ({@link ReviewStore#page}): filtered by state, chain, step,
 * tenant, who holds (or last held) the claim, and words of the input; in one of the {@link ReviewSort} orders;
 * paged with an opaque cursor (keyset pagination: a deep page costs what the first one does). Also the filter of
 * {@link ReviewStore#countByState} (which ignores the states, sort and cursor). Immutable; {@code with*} return copies.
 *
 * <p>Search ({@code text}) matches whole words, any case: every word of the text must be one of the words (two or
 * more letters or digits) in the first 4,000 characters of the item's input, and at most 8 words may be given.
 *
 * @param states    the states to include; empty means every state
 * @param chain     only this chain's items; {@code null} for all
 * @param step      only this review step's items; {@code null} for all
 * @param tenant    only this tenant's items; {@code null} for all
 * @param claimedBy only items this reviewer holds, last held or decided; {@code null} for all
 * @param text      words the input must contain; {@code null} for no search
 * @param sort      the order; default {@link ReviewSort#QUEUE}
 * @param limit     at most this many items, 1 to {@value #MAX_LIMIT}; default {@value #DEFAULT_LIMIT}
 * @param cursor    a previous page's {@link ReviewPage#nextCursor()}, for the same sort; {@code null} for the first
 */
public record ReviewSearch(Set<ReviewState> states, String chain, String step, String tenant, String claimedBy,
                           String text, ReviewSort sort, int limit, String cursor) {

    /** The largest page. */
    public static final int MAX_LIMIT = 500;
    /** The default page size. */
    public static final int DEFAULT_LIMIT = 50;
    /** The longest search text. */
    public static final int MAX_TEXT = 200;
    private static final Set<ReviewState> OPEN = Set.of(ReviewState.PENDING, ReviewState.CLAIMED,
            ReviewState.ESCALATED);

    public ReviewSearch {
        states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
        chain = blankToNull(chain);
        step = blankToNull(step);
        tenant = blankToNull(tenant);
        claimedBy = blankToNull(claimedBy);
        text = blankToNull(text);
        if (text != null) {
            if (text.length() > MAX_TEXT) {
                throw new IllegalArgumentException("text must have at most " + MAX_TEXT + " characters, had "
                        + text.length());
            }
            ReviewTerms.query("text", text);
        }
        sort = sort == null ? ReviewSort.QUEUE : sort;
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in [1, " + MAX_LIMIT + "], was " + limit);
        }
        cursor = blankToNull(cursor);
        if (cursor != null) {
            ReviewCursor.decode(sort, cursor);
        }
    }

    /** Every item, queue order, first page of {@value #DEFAULT_LIMIT}. */
    public static ReviewSearch all() {
        return new ReviewSearch(Set.of(), null, null, null, null, null, ReviewSort.QUEUE, DEFAULT_LIMIT, null);
    }

    /** The items not yet decided (pending, claimed, escalated), queue order, first page. */
    public static ReviewSearch open() {
        return all().withStates(OPEN);
    }

    public ReviewSearch withStates(Set<ReviewState> states) {
        return new ReviewSearch(states, chain, step, tenant, claimedBy, text, sort, limit, null);
    }

    public ReviewSearch withChain(String chain) {
        return new ReviewSearch(states, chain, step, tenant, claimedBy, text, sort, limit, null);
    }

    public ReviewSearch withStep(String step) {
        return new ReviewSearch(states, chain, step, tenant, claimedBy, text, sort, limit, null);
    }

    public ReviewSearch withTenant(String tenant) {
        return new ReviewSearch(states, chain, step, tenant, claimedBy, text, sort, limit, null);
    }

    public ReviewSearch withClaimedBy(String claimedBy) {
        return new ReviewSearch(states, chain, step, tenant, claimedBy, text, sort, limit, null);
    }

    /** A copy searching for these words ({@code null}: no search). */
    public ReviewSearch withText(String text) {
        return new ReviewSearch(states, chain, step, tenant, claimedBy, text, sort, limit, null);
    }

    /** A copy in another order (the cursor is dropped: cursors belong to one order). */
    public ReviewSearch withSort(ReviewSort sort) {
        return new ReviewSearch(states, chain, step, tenant, claimedBy, text, sort, limit, null);
    }

    public ReviewSearch withLimit(int limit) {
        return new ReviewSearch(states, chain, step, tenant, claimedBy, text, sort, limit, cursor);
    }

    /** A copy for the page after the one that returned {@code cursor}. */
    public ReviewSearch withCursor(String cursor) {
        return new ReviewSearch(states, chain, step, tenant, claimedBy, text, sort, limit, cursor);
    }

    /** The search words, lower-cased; empty without a search. */
    List<String> terms() {
        return text == null ? List.of() : ReviewTerms.query("text", text);
    }

    /** Whether every state asked for is open ({@code TRUE}), every one final ({@code FALSE}), or both ({@code null}). */
    Boolean openOnly() {
        if (states.isEmpty()) {
            return null;
        }
        boolean allOpen = states.stream().noneMatch(ReviewState::isFinal);
        boolean allFinal = states.stream().allMatch(ReviewState::isFinal);
        return allOpen ? Boolean.TRUE : allFinal ? Boolean.FALSE : null;
    }

    /** Whether {@code item} passes every filter but the states (what {@link ReviewStore#countByState} counts by). */
    boolean matchesIgnoringStates(ReviewItem item) {
        return (chain == null || chain.equals(item.chain()))
                && (step == null || step.equals(item.step()))
                && (tenant == null || tenant.equals(item.tenant()))
                && (claimedBy == null || claimedBy.equals(item.claimedBy()))
                && (text == null || ReviewTerms.of(item.input()).containsAll(terms()));
    }

    /** Whether {@code item} passes every filter. */
    boolean matches(ReviewItem item) {
        return (states.isEmpty() || states.contains(item.state())) && matchesIgnoringStates(item);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
