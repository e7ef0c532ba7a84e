package dev.cascade.review;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which items {@link ReviewStore#list} returns (and which {@link ReviewStore#claimNext} may take): by state, chain
 * and tenant, one page at a time. Lists are ordered by priority (highest first), then SLA due time (soonest first,
 * no SLA last), then submission. Immutable; the {@code with*} methods return copies.
 *
 * @param states the states to include; empty means every state
 * @param chain  only this chain's items; {@code null} for every chain
 * @param tenant only this tenant's items; {@code null} for every tenant
 * @param limit  at most this many items, 1 to {@value #MAX_LIMIT}
 * @param offset skip this many first, {@code >= 0}
 */
public record ReviewQuery(Set<ReviewState> states, String chain, String tenant, int limit, int offset) {

    /** The largest page. */
    public static final int MAX_LIMIT = 1_000;
    /** The default page size. */
    public static final int DEFAULT_LIMIT = 100;

    public ReviewQuery {
        states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in [1, " + MAX_LIMIT + "], was " + limit);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
    }

    /** Every item, first page of {@value #DEFAULT_LIMIT}. */
    public static ReviewQuery all() {
        return new ReviewQuery(Set.of(), null, null, DEFAULT_LIMIT, 0);
    }

    /** Items not yet decided (pending, claimed, escalated), first page of {@value #DEFAULT_LIMIT}. */
    public static ReviewQuery open() {
        return all().withStates(EnumSet.of(ReviewState.PENDING, ReviewState.CLAIMED, ReviewState.ESCALATED));
    }

    /** A copy with these states (none: every state). */
    public ReviewQuery withStates(Set<ReviewState> states) {
        return new ReviewQuery(states, chain, tenant, limit, offset);
    }

    /** A copy for one chain ({@code null}: every chain). */
    public ReviewQuery withChain(String chain) {
        return new ReviewQuery(states, chain, tenant, limit, offset);
    }

    /** A copy for one tenant ({@code null}: every tenant). */
    public ReviewQuery withTenant(String tenant) {
        return new ReviewQuery(states, chain, tenant, limit, offset);
    }

    /** A copy with another page. */
    public ReviewQuery page(int limit, int offset) {
        return new ReviewQuery(states, chain, tenant, limit, offset);
    }

    /** Whether {@code item} passes the state, chain and tenant filters. */
    public boolean matches(ReviewItem item) {
        return (states.isEmpty() || states.contains(item.state()))
                && (chain == null || chain.equals(item.chain()))
                && (tenant == null || tenant.equals(item.tenant()));
    }

    @Override
    public String toString() {
        return "ReviewQuery[states=" + (states.isEmpty() ? "any" : Objects.toString(EnumSet.copyOf(states)))
                + ", chain=" + chain + ", tenant=" + tenant + ", limit=" + limit + ", offset=" + offset + "]";
    }
}
