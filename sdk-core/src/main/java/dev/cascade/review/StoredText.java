package dev.cascade.review;

/**
 * How {@link JdbcReviewStore} writes text that a database may refuse: PostgreSQL's text types cannot hold U+0000
 * ("invalid byte sequence for encoding UTF8: 0x00"), and a ticket, a model answer or a reviewer's comment may carry
 * one. Every text value goes through {@link #store} on its way in and {@link #load} on its way out, on every
 * database, so that {@code load(store(s)).equals(s)} for any string and a row reads the same wherever it was written.
 *
 * <p>The escape character is U+0010 (DATA LINK ESCAPE, the control character meant for this): U+0000 is stored as
 * U+0010 '0', and U+0010 itself as U+0010 U+0010. Text with neither (nearly all) is stored unchanged, so rows written
 * before this codec existed read back as they were, unless they held a U+0010 followed by '0' or U+0010. A stored
 * value grows by one character per U+0000 or U+0010 it holds, which matters only for the
 * {@code VARCHAR(255)} columns (chain, step, tenant, reviewer names). Stateless.
 */
final class StoredText {

    static final char ESCAPE = '\u0010';

    private StoredText() {
    }

    /** The text as stored: U+0000 and U+0010 escaped; {@code null} stays {@code null}. */
    static String store(String text) {
        if (text == null || (text.indexOf('\u0000') < 0 && text.indexOf(ESCAPE) < 0)) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                b.append(ESCAPE).append('0');
            } else if (c == ESCAPE) {
                b.append(ESCAPE).append(ESCAPE);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The text as stored, cut to at most {@code max} characters: escaped first, then cut, never inside an escape pair
     * (or a surrogate pair), so the stored value fits a column of {@code max} and reads back as a prefix of the text.
     */
    static String store(String text, int max) {
        String stored = store(text);
        if (stored == null || stored.length() <= max) {
            return stored;
        }
        int end = 0;
        while (end < stored.length()) {
            char c = stored.charAt(end);
            int unit = c == ESCAPE || Character.isHighSurrogate(c) && end + 1 < stored.length()
                    && Character.isLowSurrogate(stored.charAt(end + 1)) ? 2 : 1;
            if (end + unit > max) {
                break;
            }
            end += unit;
        }
        return stored.substring(0, end);
    }

    /** The text a stored value stands for; a U+0010 that starts no escape is kept as it is. */
    static String load(String stored) {
        if (stored == null || stored.indexOf(ESCAPE) < 0) {
            return stored;
        }
        StringBuilder b = new StringBuilder(stored.length());
        for (int i = 0; i < stored.length(); i++) {
            char c = stored.charAt(i);
            if (c == ESCAPE && i + 1 < stored.length()) {
                char next = stored.charAt(i + 1);
                if (next == '0') {
                    b.append('\u0000');
                    i++;
                    continue;
                }
                if (next == ESCAPE) {
                    b.append(ESCAPE);
                    i++;
                    continue;
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
