package dev.cascade.spring.review;

import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.review.ReviewAttempt;
import dev.cascade.review.ReviewConflictException;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewQuery;
import dev.cascade.review.ReviewState;
import dev.cascade.review.ReviewStore;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The reviewer REST API over a {@link ReviewStore}, under {@code <base-path>/api}. Every call is made as the signed-in
 * user (checked here as well as by the application's security rule, so a missing rule fails closed); state changes
 * also need the application's CSRF protection to have run. The store enforces the rest: only the holder of a live
 * claim may release or decide, and a decision must carry the version and payload hash the reviewer was shown.
 * Stateless and thread-safe.
 */
@RestController
@RequestMapping("${cascade.review.web.base-path:/cascade/review}/api")
final class ReviewApiController extends ReviewApiErrors {

    private final ReviewStore store;
    private final ReviewerAccess access;
    private final CascadeReviewWebProperties properties;
    private final Clock clock;

    ReviewApiController(ReviewStore store, ReviewerAccess access, CascadeReviewWebProperties properties, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.access = Objects.requireNonNull(access, "access");
        this.properties = Objects.requireNonNull(properties, "properties");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @GetMapping("/session")
    ReviewViews.Session session(HttpServletRequest request) {
        String reviewer = reviewer(request, false);
        ReviewerAccess.CsrfHeader csrf = access.csrfHeader(request);
        return new ReviewViews.Session(reviewer, properties.getAuthority(), csrf == null ? null : csrf.headerName(),
                csrf == null ? null : csrf.token(),
                properties.getJaegerBaseUrl() == null ? null : properties.getJaegerBaseUrl().toString(),
                properties.getLease().toSeconds());
    }

    @GetMapping("/items")
    ReviewViews.Page list(HttpServletRequest request,
                          @RequestParam(name = "state", required = false) ReviewState[] states,
                          @RequestParam(name = "chain", required = false) String chain,
                          @RequestParam(name = "tenant", required = false) String tenant,
                          @RequestParam(name = "limit", defaultValue = "" + ReviewQuery.DEFAULT_LIMIT) int limit,
                          @RequestParam(name = "offset", defaultValue = "0") int offset) {
        reviewer(request, false);
        Set<ReviewState> set = states == null || states.length == 0 ? Set.of() : EnumSet.copyOf(List.of(states));
        ReviewQuery query;
        try {
            query = new ReviewQuery(set, blankToNull(chain), blankToNull(tenant), limit, offset);
        } catch (IllegalArgumentException e) {
            // ReviewQuery's own messages name the parameter and its range (e.g. "limit must be in [1, 1000], was 0").
            throw new BadReviewRequestException(e.getMessage());
        }
        List<ReviewViews.Summary> items = store.list(query).stream().map(ReviewViews.Summary::of).toList();
        return new ReviewViews.Page(items, limit, offset, store.depth());
    }

    @GetMapping("/items/{id}")
    ReviewViews.Item get(HttpServletRequest request, @PathVariable("id") String id) {
        String reviewer = reviewer(request, false);
        ReviewItem item = store.find(id).orElseThrow(() -> notFound(id));
        return view(item, reviewer);
    }

    /** Claims the first claimable item (optionally of one chain or tenant); 204 when there is none. */
    @PostMapping("/claim-next")
    ResponseEntity<ReviewViews.Item> claimNext(HttpServletRequest request,
                                               @RequestParam(name = "chain", required = false) String chain,
                                               @RequestParam(name = "tenant", required = false) String tenant) {
        String reviewer = reviewer(request, true);
        ReviewQuery query = ReviewQuery.all().withChain(blankToNull(chain)).withTenant(blankToNull(tenant));
        return store.claimNext(reviewer, properties.getLease(), query)
                .map(item -> ResponseEntity.ok(view(item, reviewer)))
                .orElseGet(() -> ResponseEntity.noContent().build());
    }

    /** Claims this item, or renews the caller's own claim. */
    @PostMapping("/items/{id}/claim")
    ReviewViews.Item claim(HttpServletRequest request, @PathVariable("id") String id) {
        String reviewer = reviewer(request, true);
        return view(store.claim(id, reviewer, properties.getLease()), reviewer);
    }

    @PostMapping("/items/{id}/release")
    ReviewViews.Item release(HttpServletRequest request, @PathVariable("id") String id) {
        String reviewer = reviewer(request, true);
        return view(store.release(id, reviewer), reviewer);
    }

    /**
     * Decides the item as the signed-in reviewer. Repeating a stored decision returns the stored item (200), so a
     * client may retry safely.
     */
    @PostMapping(path = "/items/{id}/decision", consumes = MediaType.APPLICATION_JSON_VALUE)
    ReviewViews.Item decide(HttpServletRequest request, @PathVariable("id") String id,
                            @RequestBody ReviewViews.DecisionRequest body) {
        String reviewer = reviewer(request, true);
        if (body == null) {
            throw new BadReviewRequestException("the request body must be a JSON decision");
        }
        Verdict verdict = verdict(body.verdict());
        if (body.version() == null) {
            throw new BadReviewRequestException("version is required: the item version you were shown");
        }
        if (body.payloadHash() == null || body.payloadHash().isBlank()) {
            throw new BadReviewRequestException("payloadHash is required: the payload hash you were shown");
        }
        String answer = body.answer();
        String comment = blankToNull(body.comment());
        switch (verdict) {
            case REJECTED -> {
                if (answer != null) {
                    throw new BadReviewRequestException("answer must be absent for REJECTED");
                }
                if (comment == null) {
                    throw new BadReviewRequestException("comment is required for REJECTED: say why, for the caller");
                }
            }
            case EDITED -> {
                if (answer == null || answer.isBlank()) {
                    throw new BadReviewRequestException("answer is required for EDITED: your answer");
                }
            }
            case APPROVED -> answer = approvedAnswer(id, answer);
            default -> throw new IllegalStateException("unreachable: " + verdict);
        }
        ReviewItem decided = store.decide(new ReviewStore.Decide(id, reviewer, body.version(), body.payloadHash(),
                verdict, answer, comment));
        return view(decided, reviewer);
    }

    /**
     * APPROVED approves a model's answer as it is: the one sent (which must be one of the item's unused model answers)
     * or, when none is sent, the proposed (last) one. The reviewer's own text is an EDITED decision.
     */
    private String approvedAnswer(String id, String answer) {
        ReviewItem item = store.find(id).orElseThrow(() -> notFound(id));
        if (answer == null) {
            String proposed = ReviewViews.proposedAnswer(item);
            if (proposed == null) {
                throw new BadReviewRequestException("APPROVED approves a model answer, and item '" + id
                        + "' has none: send EDITED with your answer, or REJECTED");
            }
            return proposed;
        }
        for (ReviewAttempt a : item.attempts()) {
            if (answer.equals(a.answer())) {
                return answer;
            }
        }
        throw new BadReviewRequestException("APPROVED must carry one of the item's model answers unchanged (or none,"
                + " for the proposed one); send EDITED for your own answer");
    }

    private ReviewViews.Item view(ReviewItem item, String reviewer) {
        return ReviewViews.Item.of(item, reviewer, clock.instant(), properties.traceUrl(item.traceId()),
                store.audit(item.id()));
    }

    /** The signed-in reviewer; refuses (401/403) anyone else, and state changes without CSRF protection (403). */
    private String reviewer(HttpServletRequest request, boolean changesState) {
        ReviewerAccess.Verdict v = access.check(request);
        if (!v.isAllowed()) {
            HttpStatus status = HttpStatus.valueOf(v.status());
            throw new ErrorResponseException(status, problem(status, status.getReasonPhrase(), v.message()), null);
        }
        if (changesState && properties.isRequireCsrf() && !access.csrfChecked(request)) {
            throw new ErrorResponseException(HttpStatus.FORBIDDEN, problem(HttpStatus.FORBIDDEN, "Forbidden",
                    "State changes need CSRF protection, and this request had none: keep Spring"
                            + " Security's CSRF protection on for " + properties.getBasePath() + "/** (or see"
                            + " cascade.review.web.require-csrf)"), null);
        }
        return v.reviewer();
    }

    private static Verdict verdict(String text) {
        if (text != null) {
            switch (text.strip().toUpperCase(Locale.ROOT)) {
                case "APPROVED":
                    return Verdict.APPROVED;
                case "EDITED":
                    return Verdict.EDITED;
                case "REJECTED":
                    return Verdict.REJECTED;
                default:
                    break;
            }
        }
        throw new BadReviewRequestException("verdict must be APPROVED, EDITED or REJECTED, was "
                + (text == null ? "absent" : "'" + text + "'"));
    }

    private static ReviewConflictException notFound(String id) {
        return new ReviewConflictException(ReviewConflictException.Reason.NOT_FOUND, id,
                "No review item '" + id + "'.");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
