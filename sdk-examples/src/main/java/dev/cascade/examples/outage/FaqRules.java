package dev.cascade.examples.outage;

import dev.cascade.rules.RuleSet;

/** The keyword FAQ rules of the support desk: canned answers for the most frequent questions. */
public final class FaqRules {
    private FaqRules() {
    }

    /** Password, invoice, refund and shipping questions, first match wins. */
    public static RuleSet<Ticket, Reply> create() {
        return RuleSet.<Ticket, Reply>firstMatch()
                .rule("password-reset", t -> t.mentions("password"),
                        t -> new Reply("Use 'Forgot password' on the login page; the link is valid for 1 hour.",
                                "rule:password-reset"))
                .rule("invoice", t -> t.mentions("invoice"),
                        t -> new Reply("Invoices are under Settings > Billing > Invoices.", "rule:invoice"))
                .rule("refund", t -> t.mentions("refund"),
                        t -> new Reply("Plans are refundable within 30 days; reply 'refund' to confirm.",
                                "rule:refund"))
                .rule("shipping", t -> t.mentions("shipping") || t.mentions("tracking"),
                        t -> new Reply("Your tracking link is in the order confirmation email.", "rule:shipping"))
                .build();
    }
}
