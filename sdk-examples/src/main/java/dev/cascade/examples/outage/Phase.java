package dev.cascade.examples.outage;

/** The four phases of the scripted outage timeline, in the order they happen. */
public enum Phase {
    /** Both models answer normally. */
    HEALTHY("healthy"),
    /** The advanced model is down hard: connections hang until the client's read timeout. */
    OUTAGE("outage"),
    /** Providers answer 429 to a share of calls, with a short Retry-After. */
    RATE_LIMIT_STORM("storm_429"),
    /** Everything is healthy again. */
    RECOVERY("recovery");

    private final String key;

    Phase(String key) {
        this.key = key;
    }

    /** The phase's name in the printed report and the JSON output. */
    public String key() {
        return key;
    }
}
