package com.example.triage;

import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.cascade.Cascade;
import dev.cascade.api.Outcome;

/** POST /triage with a ticket as the body; answers which category the chain chose and which step chose it. */
@RestController
class TriageController {

    private final Cascade<String, String> triage;

    TriageController(@Qualifier("triage") Cascade<String, String> triage) {
        this.triage = triage;
    }

    @PostMapping(path = "/triage", consumes = "text/plain", produces = "application/json")
    TriageResponse triage(@RequestBody String ticket) {
        Outcome<String> outcome = triage.execute(ticket);
        List<String> attempts = outcome.attempts().stream()
                .map(a -> a.step() + " " + a.status() + (a.failure() == null ? "" : " " + a.failure()))
                .toList();
        return new TriageResponse(outcome.answer().orElse(null), outcome.answeredBy().orElse(null), attempts);
    }

    /**
     * {@code answer} is null while the ticket waits for a person; {@code answeredBy} names the chain's step;
     * {@code attempts} says what each step did (e.g. {@code "openai FAILED TIMEOUT"}).
     */
    record TriageResponse(String answer, String answeredBy, List<String> attempts) {
    }
}
