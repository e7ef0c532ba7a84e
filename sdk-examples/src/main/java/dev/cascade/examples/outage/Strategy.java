package dev.cascade.examples.outage;

import java.util.List;

/** One way of answering tickets under the outage: the Cascade chain, or a hand-written baseline. Thread-safe. */
public interface Strategy {

    /** The name used in the report, e.g. {@code cascade}. */
    String name();

    /** The names of the steps that can answer, in order (the keys of {@code answered_by}). */
    List<String> steps();

    /** A one-line description for the report's header. */
    String describe();

    /**
     * Answers one ticket on the calling thread.
     *
     * @throws InterruptedException when the calling thread is interrupted (the demo is being stopped)
     */
    Handled handle(Ticket ticket) throws InterruptedException;
}
