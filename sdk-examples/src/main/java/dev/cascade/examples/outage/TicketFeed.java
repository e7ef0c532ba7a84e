package dev.cascade.examples.outage;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An endless, seeded stream of support tickets, shared by one strategy's workers. About a third of the tickets are
 * frequent questions the FAQ rules can answer ({@link FaqRules}); the rest need a model or a person. Two feeds with the
 * same seed hand out the same tickets in the same order. Thread-safe.
 */
public final class TicketFeed {
    private static final List<String> FAQ = List.of(
            "I forgot my password and cannot log in since this morning",
            "How do I reset the password of a teammate who left?",
            "Where can I download the invoice for last month?",
            "Please send me a copy of my invoice, accounting needs it",
            "Can I get a refund for the annual plan I bought by mistake?",
            "My order has not arrived, where is the shipping tracking number?");
    private static final List<String> OPEN = List.of(
            "The CSV export drops the last column when a cell contains a line break",
            "Our SSO login fails with error 502 after the identity provider rotated its certificate",
            "Is there a way to merge two workspaces without losing comments?",
            "Your API rate limits are too low for our nightly batch jobs, what are our options?",
            "The mobile app crashes when I open a board shared by another team",
            "We want to move to the enterprise tier, who should we talk to about volume pricing?",
            "Webhooks arrive twice for the same event since yesterday",
            "Can we keep our data in the EU region only, and how do we prove it to auditors?",
            "The search does not find documents uploaded in the last hour",
            "After the last update, dark mode shows white text on a white background",
            "How can I give read-only access to an external auditor for two weeks?",
            "Our integration gets timeouts when we upload files larger than 2 GB");
    private static final int SIZE = 4096;

    private final Ticket[] tickets = new Ticket[SIZE];
    private final AtomicLong next = new AtomicLong();

    /** A feed of tickets drawn with {@code seed}: about one in three is a frequent question. */
    public TicketFeed(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < SIZE; i++) {
            boolean faq = random.nextInt(3) == 0;
            List<String> pool = faq ? FAQ : OPEN;
            tickets[i] = new Ticket(i, pool.get(random.nextInt(pool.size())));
        }
    }

    /** The next ticket (the feed wraps around after 4096 tickets, with fresh ids). */
    public Ticket next() {
        long n = next.getAndIncrement();
        Ticket t = tickets[(int) (n % SIZE)];
        return new Ticket(n, t.text());
    }
}
