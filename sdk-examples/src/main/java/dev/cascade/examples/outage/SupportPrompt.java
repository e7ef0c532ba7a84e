package dev.cascade.examples.outage;

import dev.cascade.api.ModelRequest;

/** The prompt every strategy sends for a ticket, so they all pay for the same tokens. */
public final class SupportPrompt {
    /** The system prompt of the support assistant. */
    public static final String SYSTEM = "You are the support assistant of a SaaS product. Answer the customer's ticket"
            + " in two or three friendly sentences, in the customer's language. If you are not sure, say that a"
            + " colleague will follow up, and never invent features, prices or deadlines.";

    /**
     * The output-token cap every request carries: a two-or-three-sentence answer fits easily (the simulated models
     * answer with 80 to 240 tokens), and a budget reserves a realistic worst case from it.
     */
    public static final int MAX_OUTPUT_TOKENS = 256;

    private SupportPrompt() {
    }

    /** The model request for {@code ticket}, capped at {@link #MAX_OUTPUT_TOKENS}. */
    public static ModelRequest of(Ticket ticket) {
        return ModelRequest.of(SYSTEM, ticket.text()).withMaxOutputTokens(MAX_OUTPUT_TOKENS);
    }
}
