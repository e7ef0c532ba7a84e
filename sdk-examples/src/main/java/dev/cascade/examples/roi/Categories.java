package dev.cascade.examples.roi;

import java.util.List;

/** The support desk's ticket categories, the labels of the ROI demo's data set. */
public final class Categories {
    /** Every category, in a fixed order. */
    public static final List<String> ALL = List.of("billing", "refund", "shipping", "account", "technical",
            "cancellation", "privacy");

    private Categories() {
    }

    /** A category other than {@code right}, picked by {@code draw} (any int): what a wrong model answer says. */
    static String wrong(String right, int draw) {
        List<String> others = ALL.stream().filter(c -> !c.equals(right)).toList();
        return others.get(Math.floorMod(draw, others.size()));
    }
}
