package dev.cascade.examples.roi;

import dev.cascade.rules.RuleSet;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The support desk's FAQ rules: keyword rules for the five most frequent plain questions (password reset, order
 * status, invoice copy, cancelling a plan, deleting one's data). They are real code, not simulated: their accuracy in
 * the report is what they do on the data set.
 *
 * <p>They are deliberately timid, because a rule has no confidence to fall back on: a rule answers only a short ticket
 * (at most {@value #MAX_CHARS} characters) that names exactly one FAQ topic, has no negation ("not", "n't", "no need",
 * "none") and no sign of instructions aimed at a model ("ignore", "instruction", "system", "output", "category",
 * "pretend", "override", "respond", "classif", "authori", "assistant", ...). Anything else passes to the models.
 * Stateless, thread-safe.
 */
public final class TriageRules {
    /** Longer tickets go to the models: they tend to mix topics. */
    public static final int MAX_CHARS = 180;

    private static final List<String> NEGATIONS = List.of(" not ", "n't", "no need", "none", " never ");
    private static final List<String> INSTRUCTIONS = List.of("ignore", "instruction", "system", "output", "category",
            "pretend", "override", "respond", "repeat after", "disregard", "forget", "classif", "authori",
            "assistant");

    private record Topic(String rule, String category, Predicate<String> matches) {
    }

    private static final List<Topic> TOPICS = List.of(
            new Topic("password-reset", "account",
                    t -> t.contains("password") && (t.contains("forgot") || t.contains("reset my")
                            || t.contains("reset email") || t.contains("reset link"))),
            new Topic("order-status", "shipping",
                    t -> t.contains("where is my order") || t.contains("where is my parcel")
                            || t.contains("tracking number") || t.contains("tracking has")),
            new Topic("invoice-copy", "billing",
                    t -> t.contains("invoice") && (t.contains("copy") || t.contains("send me"))),
            new Topic("cancel-plan", "cancellation",
                    t -> t.contains("cancel") && (t.contains("subscription") || t.contains("plan")
                            || t.contains("membership"))),
            new Topic("delete-data", "privacy",
                    t -> t.contains("delete") && t.contains("data")));

    private TriageRules() {
    }

    /** The rule set: one rule per topic, each answering only when it is the ticket's single topic. */
    public static RuleSet<RoiTicket, Triage> create() {
        RuleSet.Builder<RoiTicket, Triage> rules = RuleSet.firstMatch();
        for (Topic topic : TOPICS) {
            rules.rule(topic.rule(), ticket -> onlyTopic(ticket.text(), topic), t -> Triage.certain(topic.category()));
        }
        return rules.build();
    }

    private static boolean onlyTopic(String text, Topic topic) {
        if (text.length() > MAX_CHARS) {
            return false;
        }
        String t = " " + text.toLowerCase(Locale.ROOT) + " ";
        if (!topic.matches().test(t) || NEGATIONS.stream().anyMatch(t::contains)
                || INSTRUCTIONS.stream().anyMatch(t::contains)) {
            return false;
        }
        return TOPICS.stream().filter(other -> other.matches().test(t)).count() == 1;
    }
}
