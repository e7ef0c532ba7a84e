package dev.cascade.examples.spring;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import dev.cascade.review.ReviewStore;

/**
 * {@code GET /triage/reviews/{id}}: how a caller that got a {@code 202} finds the decision later, even after it
 * restarted or from another process. It reads the {@link ReviewStore}, the truth that the reviewer console writes
 * to, so it answers the same in every instance that shares the store ({@code cascade.review.store=jdbc}).
 *
 * <table>
 * <caption>HTTP status</caption>
 * <tr><th>case</th><th>status</th></tr>
 * <tr><td>a review item of the {@code triage} chain</td><td>200, a {@link TriageReview}</td></tr>
 * <tr><td>no such item, or one of another chain</td><td>404, a problem detail</td></tr>
 * </table>
 */
@RestController
class TriageReviewController {

    /** The chain whose items this endpoint shows ({@code cascade.chains.triage}); other chains' items are a 404. */
    static final String CHAIN = "triage";

    private final ReviewStore reviews;

    TriageReviewController(ReviewStore reviews) {
        this.reviews = reviews;
    }

    @GetMapping("/triage/reviews/{id}")
    TriageReview review(@PathVariable String id) {
        return reviews.find(id)
                .filter(item -> item.chain().equals(CHAIN))
                .map(TriageReview::of)
                .orElseThrow(UnknownReviewException::new);
    }

    @ExceptionHandler(UnknownReviewException.class)
    ProblemDetail unknown(UnknownReviewException e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                "no triage review has this id: use the reviewId of a 202 from POST /triage");
        p.setTitle("Unknown review");
        return p;
    }

    /** No review item of the triage chain has the requested id; answered 404. */
    static final class UnknownReviewException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownReviewException() {
            super("unknown review id");
        }
    }
}
