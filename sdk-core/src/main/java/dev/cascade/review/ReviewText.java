package dev.cascade.review;

import dev.cascade.api.Attempt;
import dev.cascade.api.FailureKind;
import dev.cascade.api.Money;
import dev.cascade.api.StepKind;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one canonical text form of an item's attempts and trace context: how the JDBC store keeps them in a column and
 * what the payload hash is computed over. Each value is {@code <length>:<chars>}, or {@code ~} for null; a list is its
 * size followed by its values. Unambiguous whatever the text contains (quotes, separators, newlines), and it needs
 * no JSON library.
 */
final class ReviewText {
    private ReviewText() {
    }

    /** SHA-256 (hex) over the canonical form of the input and the attempts. */
    static String payloadHash(String input, List<ReviewAttempt> attempts) {
        StringBuilder b = new StringBuilder(input.length() + 64);
        field(b, input);
        b.append(encodeAttempts(attempts));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    static String encodeAttempts(List<ReviewAttempt> attempts) {
        StringBuilder b = new StringBuilder();
        field(b, Integer.toString(attempts.size()));
        for (ReviewAttempt a : attempts) {
            field(b, a.step());
            field(b, a.kind().name());
            field(b, Integer.toString(a.number()));
            field(b, a.status().name());
            field(b, a.failure() == null ? null : a.failure().name());
            field(b, a.reason());
            field(b, a.model());
            field(b, Long.toString(a.cost().micros()));
            field(b, Long.toString(a.latency().toNanos()));
            field(b, a.answer());
        }
        return b.toString();
    }

    static List<ReviewAttempt> decodeAttempts(String text) {
        Reader r = new Reader(text);
        int n = Integer.parseInt(r.next());
        List<ReviewAttempt> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String step = r.next();
            StepKind kind = StepKind.valueOf(r.next());
            int number = Integer.parseInt(r.next());
            Attempt.Status status = Attempt.Status.valueOf(r.next());
            String failure = r.next();
            out.add(new ReviewAttempt(step, kind, number, status, failure == null ? null : FailureKind.valueOf(failure),
                    r.next(), r.next(), Money.ofMicros(Long.parseLong(r.next())),
                    Duration.ofNanos(Long.parseLong(r.next())), r.next()));
        }
        r.end();
        return out;
    }

    static String encodeMap(Map<String, String> map) {
        StringBuilder b = new StringBuilder();
        field(b, Integer.toString(map.size()));
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            field(b, e.getKey());
            field(b, e.getValue());
        }
        return b.toString();
    }

    static Map<String, String> decodeMap(String text) {
        Reader r = new Reader(text);
        int n = Integer.parseInt(r.next());
        Map<String, String> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            out.put(r.next(), r.next());
        }
        r.end();
        return out;
    }

    /** The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}); {@code null} when none. */
    static String traceId(Map<String, String> traceContext) {
        String p = traceContext.get("traceparent");
        return p != null && p.length() >= 35 && p.charAt(2) == '-' ? p.substring(3, 35) : null;
    }

    private static void field(StringBuilder b, String value) {
        if (value == null) {
            b.append('~');
        } else {
            b.append(value.length()).append(':').append(value);
        }
    }

    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        String next() {
            if (at >= text.length()) {
                throw new IllegalArgumentException("stored review text ends early at " + at);
            }
            if (text.charAt(at) == '~') {
                at++;
                return null;
            }
            int colon = text.indexOf(':', at);
            if (colon < 0) {
                throw new IllegalArgumentException("stored review text has no length at " + at);
            }
            int len = Integer.parseInt(text, at, colon, 10);
            String value = text.substring(colon + 1, colon + 1 + len);
            at = colon + 1 + len;
            return value;
        }

        void end() {
            if (at != text.length()) {
                throw new IllegalArgumentException("stored review text has " + (text.length() - at)
                        + " characters left over");
            }
        }
    }
}
