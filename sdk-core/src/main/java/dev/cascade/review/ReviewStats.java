package dev.cascade.review;

import dev.cascade.api.ReviewDecision.Verdict;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Throughput and SLA figures of a window of time ({@link ReviewStore#stats}), per reviewer and per chain: how many
 * items were decided and how (approve / edit / reject shares: an edit share that rises says the models' answers got
 * worse), how fast, how many late, and how many open items are overdue now. Immutable.
 *
 * @param from       the window's start (inclusive)
 * @param to         the window's end (exclusive), also the "now" of the overdue counts
 * @param byReviewer one group per reviewer who decided an item in the window ({@link ReviewStore#SYSTEM} for SLA
 *                   expiries), or who holds an overdue claim; by name
 * @param byChain    one group per chain with a decision in the window or an overdue open item; by name
 */
public record ReviewStats(Instant from, Instant to, List<Group> byReviewer, List<Group> byChain) {

    /** The longest window {@link ReviewStore#stats} accepts. */
    public static final Duration MAX_WINDOW = Duration.ofDays(31);

    public ReviewStats {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        byReviewer = List.copyOf(byReviewer);
        byChain = List.copyOf(byChain);
    }

    /**
     * The figures of one reviewer or chain.
     *
     * @param name                 the reviewer or chain
     * @param decided              items decided in the window (approved + edited + rejected + expired)
     * @param approved             of those, approved
     * @param edited               of those, edited
     * @param rejected             of those, rejected
     * @param expired              of those, expired by their SLA
     * @param decidedPerHour       decided / the window's length in hours
     * @param medianTimeToDecision the median time from submission to decision; {@code null} when none was decided
     * @param decidedLate          decided after their due time
     * @param openOverdue          open items past their due time at {@code to} (for a reviewer: claimed by them)
     */
    public record Group(String name, long decided, long approved, long edited, long rejected, long expired,
                        double decidedPerHour, Duration medianTimeToDecision, long decidedLate, long openOverdue) {

        /** approved / decided; 0 when none was decided. */
        public double approvedShare() {
            return share(approved);
        }

        /** edited / decided; 0 when none was decided. */
        public double editedShare() {
            return share(edited);
        }

        /** rejected / decided; 0 when none was decided. */
        public double rejectedShare() {
            return share(rejected);
        }

        private double share(long n) {
            return decided == 0 ? 0 : (double) n / decided;
        }
    }

    /** Checks a window: {@code from < to}, at most {@link #MAX_WINDOW}. */
    static void checkWindow(Instant from, Instant to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to, was from " + from + ", to " + to);
        }
        if (Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException("the stats window must be at most " + MAX_WINDOW.toDays()
                    + " days, was " + Duration.between(from, to));
        }
    }

    /** Adds up decisions and overdue items, one at a time, into groups; then {@link #build}. Not thread-safe. */
    static final class Tally {
        private final Instant from;
        private final Instant to;
        private final Map<String, Acc> reviewers = new TreeMap<>();
        private final Map<String, Acc> chains = new TreeMap<>();

        Tally(Instant from, Instant to) {
            this.from = from;
            this.to = to;
        }

        /** One item decided in the window. */
        void decided(String chain, String decidedBy, Verdict verdict, Instant createdAt, Instant decidedAt,
                     Instant dueAt) {
            for (Acc a : List.of(acc(reviewers, decidedBy == null ? ReviewStore.SYSTEM : decidedBy),
                    acc(chains, chain))) {
                a.counts[verdict.ordinal()]++;
                a.times.add(Duration.between(createdAt, decidedAt).toMillis());
                if (dueAt != null && decidedAt.isAfter(dueAt)) {
                    a.late++;
                }
            }
        }

        /** Open items past due: {@code n} for this chain. */
        void overdueInChain(String chain, long n) {
            acc(chains, chain).overdue += n;
        }

        /** Claimed items past due: {@code n} held by this reviewer. */
        void overdueWithReviewer(String reviewer, long n) {
            acc(reviewers, reviewer).overdue += n;
        }

        ReviewStats build() {
            double hours = Duration.between(from, to).toMillis() / 3_600_000.0;
            return new ReviewStats(from, to, groups(reviewers, hours), groups(chains, hours));
        }

        private static List<Group> groups(Map<String, Acc> map, double hours) {
            List<Group> out = new ArrayList<>(map.size());
            map.forEach((name, a) -> {
                long decided = a.times.size();
                Duration median = null;
                if (decided > 0) {
                    a.times.sort(Comparator.naturalOrder());
                    int mid = (int) (decided / 2);
                    long ms = decided % 2 == 1 ? a.times.get(mid) : (a.times.get(mid - 1) + a.times.get(mid)) / 2;
                    median = Duration.ofMillis(ms);
                }
                out.add(new Group(name, decided, a.counts[Verdict.APPROVED.ordinal()],
                        a.counts[Verdict.EDITED.ordinal()], a.counts[Verdict.REJECTED.ordinal()],
                        a.counts[Verdict.EXPIRED.ordinal()], decided / hours, median, a.late, a.overdue));
            });
            return out;
        }

        private static Acc acc(Map<String, Acc> map, String key) {
            return map.computeIfAbsent(key, k -> new Acc());
        }

        private static final class Acc {
            final long[] counts = new long[Verdict.values().length];
            final List<Long> times = new ArrayList<>();
            long late;
            long overdue;
        }
    }
}
