package dev.cascade.examples.snippets.spring;

import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.cascade.Cascade;
import dev.cascade.api.Outcome;

// tag::spring-controller[]
@RestController
class TriageController {
    private final Cascade<String, String> triage;

    TriageController(@Qualifier("triage") Cascade<String, String> triage) {
        this.triage = triage;
    }

    record TriageRequest(String ticket) {
    }

    record TriageResponse(String answer, String answeredBy, String reviewId, List<String> attempts) {
    }

    @PostMapping("/triage")
    TriageResponse triage(@RequestBody TriageRequest request) {
        Outcome<String> out = triage.execute(request.ticket());   // answer, answeredBy, attempts, pendingReview
        return new TriageResponse(
                out.answer().orElse(null),
                out.answeredBy().orElse(null),
                out.pendingReview().map(review -> review.id()).orElse(null),
                out.attempts().stream().map(a -> a.step() + " " + a.status()).toList());
    }
}
// end::spring-controller[]
