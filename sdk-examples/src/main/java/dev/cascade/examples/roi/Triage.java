package dev.cascade.examples.roi;

import java.util.Locale;
import java.util.Objects;

/**
 * The chain's answer to a ticket: its category and how confident the answering step was (1.0 for a rule or a human).
 * A model answers {@code {"category":"billing","confidence":0.91}}; {@link #parse(String)} reads that. Immutable.
 *
 * @param category   the category, one of {@link Categories#ALL}
 * @param confidence in [0, 1]
 */
public record Triage(String category, double confidence) {

    public Triage {
        Objects.requireNonNull(category, "category");
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be in [0, 1], was " + confidence);
        }
    }

    /** A certain answer (a rule's or a reviewer's). */
    public static Triage certain(String category) {
        return new Triage(category, 1.0);
    }

    /** The model's JSON, as {@link SimulatedClassifier} writes it. */
    public String toJson() {
        return String.format(Locale.ROOT, "{\"category\":\"%s\",\"confidence\":%.2f}", category, confidence);
    }

    /**
     * Reads a model's answer {@code {"category":"...","confidence":0.xx}}: the demo's models write exactly this shape,
     * so a small reader is enough (a real application would use its JSON library).
     *
     * @throws IllegalArgumentException naming the field when the text is not that shape
     */
    public static Triage parse(String json) {
        String category = field(json, "category", true);
        String confidence = field(json, "confidence", false);
        try {
            return new Triage(category, Double.parseDouble(confidence));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("confidence must be a number, was '" + confidence + "'", e);
        }
    }

    private static String field(String json, String name, boolean quoted) {
        String key = "\"" + name + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            throw new IllegalArgumentException("model answer has no '" + name + "' field: " + json);
        }
        int from = at + key.length();
        if (quoted) {
            int open = json.indexOf('"', from);
            int close = json.indexOf('"', open + 1);
            if (open < 0 || close < 0) {
                throw new IllegalArgumentException("model answer's '" + name + "' is not a string: " + json);
            }
            return json.substring(open + 1, close);
        }
        int end = from;
        while (end < json.length() && ",}".indexOf(json.charAt(end)) < 0) {
            end++;
        }
        return json.substring(from, end).trim();
    }
}
