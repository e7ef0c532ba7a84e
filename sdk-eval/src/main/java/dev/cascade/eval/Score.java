package dev.cascade.eval;

/**
 * A scorer's verdict on one answer: a score in [0, 1] and whether it passes. Immutable.
 *
 * @param value  the score, 0 (wrong) to 1 (right)
 * @param pass   whether the answer counts as correct for accuracy
 * @param detail a short reason (never the answer's text), or {@code null}
 */
public record Score(double value, boolean pass, String detail) {

    public Score {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("score value must be in [0, 1], was " + value);
        }
    }

    /** A passing score of 1. */
    public static Score correct() {
        return new Score(1, true, null);
    }

    /** A failing score of 0 with {@code detail}. */
    public static Score wrong(String detail) {
        return new Score(0, false, detail);
    }

    /** Score 1 and pass when {@code pass}, else score 0 with {@code detail}. */
    public static Score of(boolean pass, String detail) {
        return pass ? correct() : wrong(detail);
    }
}
