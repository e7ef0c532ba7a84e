package dev.cascade.review;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;

/**
 * The opaque cursor of a {@link ReviewPage}: the sort keys of the last item shown, so the next page starts right
 * after it (keyset pagination: no offset, however deep). Every key is ascending and never null, as the store's
 * indexes hold them: {@code -priority}, the due time or {@link #NO_DUE} for none, and the submission sequence.
 */
final class ReviewCursor {
    /** The due key of an item without an SLA: after every real due time. */
    static final Instant NO_DUE = Instant.parse("9999-12-31T00:00:00Z");

    /** The keys of one item. */
    record Key(int sortPriority, Instant dueKey, long seq) {
        static Key of(ReviewItem item, long seq) {
            return new Key(-item.priority(), ReviewCursor.dueKey(item.dueAt()), seq);
        }
    }

    private ReviewCursor() {
    }

    /** The order of {@code sort} over keys, as the store's indexes hold it. */
    static Comparator<Key> order(ReviewSort sort) {
        return switch (sort) {
            case QUEUE -> Comparator.comparingInt(Key::sortPriority).thenComparing(Key::dueKey)
                    .thenComparingLong(Key::seq);
            case DUE -> Comparator.comparing(Key::dueKey).thenComparingInt(Key::sortPriority)
                    .thenComparingLong(Key::seq);
            case OLDEST -> Comparator.comparingLong(Key::seq);
            case NEWEST -> Comparator.comparingLong(Key::seq).reversed();
        };
    }

    static Instant dueKey(Instant dueAt) {
        return dueAt == null ? NO_DUE : dueAt;
    }

    static String encode(ReviewSort sort, Key k) {
        String plain = sort.name() + "|" + k.sortPriority() + "|" + k.dueKey().getEpochSecond() + "|"
                + k.dueKey().getNano() + "|" + k.seq();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** The keys in {@code cursor}; throws naming the field when it is not one handed out for {@code sort}. */
    static Key decode(ReviewSort sort, String cursor) {
        try {
            String[] p = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
            if (p.length == 5 && p[0].equals(sort.name())) {
                return new Key(Integer.parseInt(p[1]), Instant.ofEpochSecond(Long.parseLong(p[2]),
                        Long.parseLong(p[3])), Long.parseLong(p[4]));
            }
        } catch (RuntimeException malformed) {
            // falls through to the message below: which part was wrong does not help the caller
        }
        throw new IllegalArgumentException("cursor must be the nextCursor of a page sorted by " + sort
                + ", was '" + (cursor.length() > 40 ? cursor.substring(0, 40) + "..." : cursor)
                + "'; start again without a cursor");
    }
}
