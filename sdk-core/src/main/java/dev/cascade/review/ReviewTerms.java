package dev.cascade.review;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The words free-text search matches: the distinct runs of letters and digits (two or more) in the first
 * {@value #INDEXED_CHARS} characters of an item's input, lower-cased, each cut to {@value #MAX_TERM} characters, at
 * most {@value #MAX_TERMS} per item. A query's words are cut the same way, so a search matches whole words (any
 * case), every word of the query required. Bounded on purpose: the JDBC store keeps these terms in an indexed table
 * (no database extension needed), so an item costs at most {@value #MAX_TERMS} small rows. Stateless.
 */
final class ReviewTerms {
    /** How much of the input is indexed. */
    static final int INDEXED_CHARS = 4_000;
    /** The longest term kept; longer words are cut to this. */
    static final int MAX_TERM = 40;
    /** Terms kept per item (the first distinct ones). */
    static final int MAX_TERMS = 100;
    /** Words a query may have. */
    static final int MAX_QUERY_WORDS = 8;

    private ReviewTerms() {
    }

    /** The terms of an item's input. */
    static Set<String> of(String input) {
        return words(input.length() > INDEXED_CHARS ? input.substring(0, INDEXED_CHARS) : input, MAX_TERMS);
    }

    /** The terms of a query; throws naming {@code field} when it has none or too many. */
    static List<String> query(String field, String text) {
        Set<String> words = words(text, Integer.MAX_VALUE);
        if (words.isEmpty()) {
            throw new IllegalArgumentException(field + " must hold a word of two or more letters or digits, was '"
                    + text + "'");
        }
        if (words.size() > MAX_QUERY_WORDS) {
            throw new IllegalArgumentException(field + " may have at most " + MAX_QUERY_WORDS + " words, had "
                    + words.size());
        }
        return new ArrayList<>(words);
    }

    private static Set<String> words(String text, int max) {
        Set<String> out = new LinkedHashSet<>();
        int i = 0;
        int n = text.length();
        while (i < n && out.size() < max) {
            while (i < n && !Character.isLetterOrDigit(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            int start = i;
            while (i < n && Character.isLetterOrDigit(text.codePointAt(i))) {
                i += Character.charCount(text.codePointAt(i));
            }
            if (i - start >= 2) {
                String w = text.substring(start, i).toLowerCase(Locale.ROOT);
                if (w.length() > MAX_TERM) {
                    int cut = Character.isHighSurrogate(w.charAt(MAX_TERM - 1)) ? MAX_TERM - 1 : MAX_TERM;
                    w = w.substring(0, cut);
                }
                out.add(w);
            }
        }
        return out;
    }
}
