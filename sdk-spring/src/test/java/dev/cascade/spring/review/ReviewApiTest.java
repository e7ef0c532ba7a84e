package dev.cascade.spring.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewState;
import dev.cascade.review.ReviewStore;

/**
 * Every endpoint of the reviewer API through the real Spring Security filter chain and Spring MVC (MockMvc): who may
 * call it, CSRF, the claim and decision stories, and how each refusal maps to a status and a problem detail.
 */
@SpringBootTest(classes = ReviewWebTestApp.class,
        properties = "cascade.review.web.jaeger-base-url=http://localhost:16686")
@AutoConfigureMockMvc
class ReviewApiTest {

    private static final String API = "/cascade/review/api";

    @Autowired
    private MockMvc mvc;

    @Autowired
    private ReviewStore store;

    private static RequestPostProcessor alice() {
        return user("alice").roles("REVIEWER");
    }

    private static RequestPostProcessor bob() {
        return user("bob").roles("REVIEWER");
    }

    private static RequestPostProcessor eve() {
        return user("eve").roles("USER");
    }

    private ReviewItem item(String chain) {
        return ReviewWebTestApp.submit(store, chain, null, 0);
    }

    private ReviewItem claimedByAlice(String chain) throws Exception {
        ReviewItem item = item(chain);
        mvc.perform(post(API + "/items/{id}/claim", item.id()).with(alice()).with(csrf()))
                .andExpect(status().isOk());
        return store.find(item.id()).orElseThrow();
    }

    private static String decision(String verdict, long version, String hash, String answer, String comment) {
        StringBuilder b = new StringBuilder("{\"verdict\":\"").append(verdict).append("\",\"version\":")
                .append(version).append(",\"payloadHash\":\"").append(hash).append('"');
        if (answer != null) {
            b.append(",\"answer\":\"").append(answer).append('"');
        }
        if (comment != null) {
            b.append(",\"comment\":\"").append(comment).append('"');
        }
        return b.append('}').toString();
    }

    // ---- who may call ----

    @Test
    void anonymousCallsToTheApiGet401() throws Exception {
        mvc.perform(get(API + "/items").header("X-Requested-With", "XMLHttpRequest"))
                .andExpect(status().isUnauthorized());
        mvc.perform(get(API + "/session").accept(MediaType.APPLICATION_JSON)).andExpect(status().isUnauthorized());
        mvc.perform(get(API + "/items/{id}", "rv-1").accept(MediaType.APPLICATION_JSON))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void anonymousVisitorsOfTheConsoleAreSentToTheLoginPage() throws Exception {
        mvc.perform(get("/cascade/review").accept(MediaType.TEXT_HTML)).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/login"));
        mvc.perform(get("/cascade/review/console/index.html").accept(MediaType.TEXT_HTML))
                .andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/login"));
    }

    @Test
    void signedInUsersWithoutTheAuthorityGet403Everywhere() throws Exception {
        ReviewItem item = item("authz");
        mvc.perform(get(API + "/items").with(eve())).andExpect(status().isForbidden());
        mvc.perform(get(API + "/items/{id}", item.id()).with(eve())).andExpect(status().isForbidden());
        mvc.perform(post(API + "/items/{id}/claim", item.id()).with(eve()).with(csrf()))
                .andExpect(status().isForbidden());
        mvc.perform(post(API + "/claim-next").with(eve()).with(csrf())).andExpect(status().isForbidden());
        mvc.perform(get("/cascade/review/console/index.html").with(eve())).andExpect(status().isForbidden());
        assertThat(store.find(item.id()).orElseThrow().state()).isEqualTo(ReviewState.PENDING);
    }

    @Test
    void stateChangesWithoutAValidCsrfTokenAreRefusedAndChangeNothing() throws Exception {
        ReviewItem item = item("csrf");
        mvc.perform(post(API + "/items/{id}/claim", item.id()).with(alice())).andExpect(status().isForbidden());
        mvc.perform(post(API + "/items/{id}/claim", item.id()).with(alice()).with(csrf().useInvalidToken()))
                .andExpect(status().isForbidden());
        mvc.perform(post(API + "/claim-next").with(alice())).andExpect(status().isForbidden());
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("EDITED", item.version(), item.payloadHash(), "x", null)))
                .andExpect(status().isForbidden());
        assertThat(store.find(item.id()).orElseThrow().state()).isEqualTo(ReviewState.PENDING);
        assertThat(store.audit(item.id())).hasSize(1);
    }

    @Test
    void theSessionTellsTheConsoleWhoItIsAndHowToSendCsrf() throws Exception {
        mvc.perform(get(API + "/session").with(alice())).andExpect(status().isOk())
                .andExpect(jsonPath("$.reviewer").value("alice"))
                .andExpect(jsonPath("$.authority").value("ROLE_REVIEWER"))
                .andExpect(jsonPath("$.csrfHeader").value("X-CSRF-TOKEN"))
                .andExpect(jsonPath("$.csrfToken").isNotEmpty())
                .andExpect(jsonPath("$.jaegerBaseUrl").value("http://localhost:16686"))
                .andExpect(jsonPath("$.leaseSeconds").value(900));
    }

    // ---- reading ----

    @Test
    void listsAndFiltersTheQueueByStateChainTenantAndPage() throws Exception {
        ReviewItem a1 = ReviewWebTestApp.submit(store, "list-a", "t1", 5);
        ReviewItem a2 = ReviewWebTestApp.submit(store, "list-a", "t1", 1);
        ReviewItem a3 = ReviewWebTestApp.submit(store, "list-a", "t2", 3);
        ReviewWebTestApp.submit(store, "list-b", "t1", 9);
        mvc.perform(post(API + "/items/{id}/claim", a3.id()).with(alice()).with(csrf())).andExpect(status().isOk());

        mvc.perform(get(API + "/items").param("chain", "list-a").with(alice())).andExpect(status().isOk())
                .andExpect(jsonPath("$.items", hasSize(3)))
                .andExpect(jsonPath("$.items[0].id").value(a1.id()))
                .andExpect(jsonPath("$.items[1].id").value(a3.id()))
                .andExpect(jsonPath("$.items[2].id").value(a2.id()))
                .andExpect(jsonPath("$.items[0].priority").value(5))
                .andExpect(jsonPath("$.items[0].state").value("PENDING"));
        mvc.perform(get(API + "/items").param("chain", "list-a").param("tenant", "t1").with(alice()))
                .andExpect(jsonPath("$.items", hasSize(2)));
        mvc.perform(get(API + "/items").param("chain", "list-a").param("state", "CLAIMED").with(alice()))
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].id").value(a3.id()))
                .andExpect(jsonPath("$.items[0].claimedBy").value("alice"));
        mvc.perform(get(API + "/items").param("chain", "list-a").param("state", "PENDING", "CLAIMED")
                        .param("limit", "1").param("offset", "1").with(alice()))
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].id").value(a3.id()))
                .andExpect(jsonPath("$.limit").value(1))
                .andExpect(jsonPath("$.offset").value(1));
    }

    @Test
    void badQueryParametersAre400WithAClearMessage() throws Exception {
        mvc.perform(get(API + "/items").param("state", "NOPE").with(alice())).andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(startsWith("state must be one of [PENDING, CLAIMED")));
        mvc.perform(get(API + "/items").param("limit", "0").with(alice())).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("limit must be in [1, 500], was 0"));
        mvc.perform(get(API + "/items").param("limit", "0").param("offset", "0").with(alice()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("limit must be in [1, 1000], was 0"));
        mvc.perform(get(API + "/items").param("offset", "-1").with(alice())).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("offset must be >= 0, was -1"));
        mvc.perform(get(API + "/items").param("limit", "many").with(alice())).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("limit must be an integer, was 'many'"));
    }

    @Test
    void oneItemComesWithItsInputAttemptsRejectedAnswersCostTraceLinkAndAuditLog() throws Exception {
        ReviewItem item = item("detail");
        mvc.perform(get(API + "/items/{id}", item.id()).with(alice())).andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(item.id()))
                .andExpect(jsonPath("$.state").value("PENDING"))
                .andExpect(jsonPath("$.input").value(item.input()))
                .andExpect(jsonPath("$.attempts", hasSize(2)))
                .andExpect(jsonPath("$.attempts[0].step").value("advanced"))
                .andExpect(jsonPath("$.attempts[0].failure").value("UNAVAILABLE"))
                .andExpect(jsonPath("$.attempts[0].reason").value("503 from the provider"))
                .andExpect(jsonPath("$.attempts[0].answer").doesNotExist())
                .andExpect(jsonPath("$.attempts[1].status").value("REJECTED"))
                .andExpect(jsonPath("$.attempts[1].answer").value(ReviewWebTestApp.MODEL_ANSWER))
                .andExpect(jsonPath("$.attempts[1].cost").value("0.001200"))
                .andExpect(jsonPath("$.attempts[1].latencyMillis").value(40))
                .andExpect(jsonPath("$.proposedAnswer").value(ReviewWebTestApp.MODEL_ANSWER))
                .andExpect(jsonPath("$.cost").value("0.001200"))
                .andExpect(jsonPath("$.traceId").value(ReviewWebTestApp.TRACE_ID))
                .andExpect(jsonPath("$.traceUrl").value("http://localhost:16686/trace/" + ReviewWebTestApp.TRACE_ID))
                .andExpect(jsonPath("$.version").value(1))
                .andExpect(jsonPath("$.payloadHash").value(item.payloadHash()))
                .andExpect(jsonPath("$.heldByYou").value(false))
                .andExpect(jsonPath("$.audit", hasSize(1)))
                .andExpect(jsonPath("$.audit[0].to").value("PENDING"))
                .andExpect(jsonPath("$.audit[0].actor").value(ReviewStore.SYSTEM));
    }

    @Test
    void anUnknownItemIs404WithReasonNotFound() throws Exception {
        mvc.perform(get(API + "/items/{id}", "rv-nope").with(alice())).andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.reason").value("NOT_FOUND"))
                .andExpect(jsonPath("$.itemId").value("rv-nope"));
        mvc.perform(post(API + "/items/{id}/claim", "rv-nope").with(alice()).with(csrf()))
                .andExpect(status().isNotFound()).andExpect(jsonPath("$.reason").value("NOT_FOUND"));
        mvc.perform(post(API + "/items/{id}/release", "rv-nope").with(alice()).with(csrf()))
                .andExpect(status().isNotFound()).andExpect(jsonPath("$.reason").value("NOT_FOUND"));
        mvc.perform(post(API + "/items/{id}/decision", "rv-nope").with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content(decision("EDITED", 2, "abc", "x", null)))
                .andExpect(status().isNotFound()).andExpect(jsonPath("$.reason").value("NOT_FOUND"));
    }

    // ---- claiming ----

    @Test
    void claimNextTakesTheHighestPriorityItemAndAnswers204WhenNoneIsLeft() throws Exception {
        ReviewItem low = ReviewWebTestApp.submit(store, "next", null, 1);
        ReviewItem high = ReviewWebTestApp.submit(store, "next", null, 7);
        mvc.perform(post(API + "/claim-next").param("chain", "next").with(alice()).with(csrf()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(high.id()))
                .andExpect(jsonPath("$.state").value("CLAIMED"))
                .andExpect(jsonPath("$.claimedBy").value("alice"))
                .andExpect(jsonPath("$.heldByYou").value(true))
                .andExpect(jsonPath("$.leaseUntil").isNotEmpty());
        mvc.perform(post(API + "/claim-next").param("chain", "next").with(bob()).with(csrf()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.id").value(low.id()))
                .andExpect(jsonPath("$.claimedBy").value("bob"));
        mvc.perform(post(API + "/claim-next").param("chain", "next").with(alice()).with(csrf()))
                .andExpect(status().isNoContent());
    }

    @Test
    void aReviewerCannotClaimReleaseOrDecideAnotherReviewersClaim() throws Exception {
        ReviewItem item = claimedByAlice("others");
        mvc.perform(post(API + "/items/{id}/claim", item.id()).with(bob()).with(csrf()))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.reason").value("CLAIMED_BY_OTHER"));
        mvc.perform(post(API + "/items/{id}/release", item.id()).with(bob()).with(csrf()))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.reason").value("CLAIMED_BY_OTHER"));
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(bob()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("EDITED", item.version(), item.payloadHash(), "bob's answer", null)))
                .andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.reason").value("CLAIMED_BY_OTHER"))
                .andExpect(jsonPath("$.title").value("Review conflict"))
                .andExpect(jsonPath("$.detail").isNotEmpty());
        assertThat(store.find(item.id()).orElseThrow().claimedBy()).isEqualTo("alice");

        mvc.perform(post(API + "/items/{id}/release", item.id()).with(alice()).with(csrf()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.state").value("PENDING"));
        mvc.perform(post(API + "/items/{id}/release", item.id()).with(alice()).with(csrf()))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.reason").value("NOT_CLAIMED"));
    }

    // ---- deciding ----

    @Test
    void claimThenEditDecidesAsTheSignedInReviewerWhateverTheBodySays() throws Exception {
        ReviewItem item = claimedByAlice("edit");
        String body = "{\"verdict\":\"EDITED\",\"version\":" + item.version() + ",\"payloadHash\":\""
                + item.payloadHash() + "\",\"answer\":\"Refund sent\",\"comment\":\"checked\","
                + "\"reviewer\":\"mallory\",\"decidedBy\":\"mallory\"}";
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("EDITED"))
                .andExpect(jsonPath("$.verdict").value("EDITED"))
                .andExpect(jsonPath("$.answer").value("Refund sent"))
                .andExpect(jsonPath("$.comment").value("checked"))
                .andExpect(jsonPath("$.decidedBy").value("alice"))
                .andExpect(jsonPath("$.audit", hasSize(3)))
                .andExpect(jsonPath("$.audit[2].actor").value("alice"));
        ReviewItem stored = store.find(item.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(ReviewState.EDITED);
        assertThat(stored.decidedBy()).isEqualTo("alice");
    }

    @Test
    void approveWithoutAnAnswerApprovesTheProposedModelAnswer() throws Exception {
        ReviewItem item = claimedByAlice("approve");
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("APPROVED", item.version(), item.payloadHash(), null, null)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("APPROVED"))
                .andExpect(jsonPath("$.answer").value(ReviewWebTestApp.MODEL_ANSWER));
    }

    @Test
    void approvingTextNoModelGaveIs400AndChangesNothing() throws Exception {
        ReviewItem item = claimedByAlice("approve-own");
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("APPROVED", item.version(), item.payloadHash(), "my own", null)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(startsWith("APPROVED must carry one of the item's model answers")));
        assertThat(store.find(item.id()).orElseThrow().state()).isEqualTo(ReviewState.CLAIMED);
    }

    @Test
    void rejectNeedsACommentAndGivesNoAnswer() throws Exception {
        ReviewItem item = claimedByAlice("reject");
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("REJECTED", item.version(), item.payloadHash(), null, null)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("comment is required for REJECTED: say why, for the caller"));
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("REJECTED", item.version(), item.payloadHash(), null, "spam")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("REJECTED"))
                .andExpect(jsonPath("$.answer").doesNotExist())
                .andExpect(jsonPath("$.comment").value("spam"));
    }

    @Test
    void aDecisionOnAStaleVersionIs409AndChangesNothing() throws Exception {
        ReviewItem item = claimedByAlice("stale");
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("EDITED", item.version() - 1, item.payloadHash(), "late", null)))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.reason").value("STALE_VERSION"))
                .andExpect(jsonPath("$.itemId").value(item.id()));
        assertThat(store.find(item.id()).orElseThrow().state()).isEqualTo(ReviewState.CLAIMED);
    }

    @Test
    void aDecisionOnAnotherPayloadHashIs409AndChangesNothing() throws Exception {
        ReviewItem item = claimedByAlice("hash");
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("EDITED", item.version(), "0".repeat(64), "x", null)))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.reason").value("PAYLOAD_CHANGED"));
        assertThat(store.find(item.id()).orElseThrow().state()).isEqualTo(ReviewState.CLAIMED);
    }

    @Test
    void repeatingAnIdenticalDecisionReturnsTheSameResultAndADifferentOneIs409() throws Exception {
        ReviewItem item = claimedByAlice("repeat");
        String body = decision("EDITED", item.version(), item.payloadHash(), "Refund sent", "ok");
        String first = mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        String second = mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(second).isEqualTo(first);
        assertThat(store.audit(item.id())).hasSize(3);

        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("EDITED", item.version(), item.payloadHash(), "Something else", "ok")))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.reason").value("ALREADY_DECIDED"));
        mvc.perform(post(API + "/items/{id}/claim", item.id()).with(alice()).with(csrf()))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.reason").value("ALREADY_DECIDED"));
    }

    @Test
    void decidingWithoutAClaimIs409NotClaimed() throws Exception {
        ReviewItem item = item("unclaimed");
        mvc.perform(post(API + "/items/{id}/decision", item.id()).with(alice()).with(csrf())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(decision("EDITED", item.version(), item.payloadHash(), "x", null)))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.reason").value("NOT_CLAIMED"));
    }

    @Test
    void malformedOrIncompleteDecisionsAre400WithAClearMessage() throws Exception {
        ReviewItem item = claimedByAlice("bad-json");
        String url = API + "/items/" + item.id() + "/decision";
        mvc.perform(post(url).with(alice()).with(csrf()).contentType(MediaType.APPLICATION_JSON).content("{not json"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.title").value("Bad request"))
                .andExpect(jsonPath("$.detail").value(startsWith("The request body is not a valid JSON decision")));
        mvc.perform(post(url).with(alice()).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"verdict\":\"EDITED\",\"version\":\"two\",\"payloadHash\":\"h\",\"answer\":\"a\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(startsWith("The request body is not a valid JSON decision")));
        mvc.perform(post(url).with(alice()).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"verdict\":\"EDITED\",\"payloadHash\":\"h\",\"answer\":\"a\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("version is required: the item version you were shown"));
        mvc.perform(post(url).with(alice()).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content(decision("MAYBE", item.version(), item.payloadHash(), "a", null)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("verdict must be APPROVED, EDITED or REJECTED, was 'MAYBE'"));
        mvc.perform(post(url).with(alice()).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content(decision("EDITED", item.version(), item.payloadHash(), null, null)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("answer is required for EDITED: your answer"));
        mvc.perform(post(url).with(alice()).with(csrf()).contentType(MediaType.TEXT_PLAIN).content("EDITED"))
                .andExpect(status().isUnsupportedMediaType());
        assertThat(store.find(item.id()).orElseThrow().state()).isEqualTo(ReviewState.CLAIMED);
    }

    // ---- console ----

    @Test
    void theConsoleIsServedToReviewersWithAStrictContentSecurityPolicyAndNoInlineScript() throws Exception {
        mvc.perform(get("/cascade/review").with(alice())).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/cascade/review/console/index.html"));
        String html = mvc.perform(get("/cascade/review/console/index.html").with(alice()))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Security-Policy", ReviewConsoleInterceptor.CONTENT_SECURITY_POLICY))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andReturn().getResponse().getContentAsString();
        assertThat(html).contains("<script src=\"console.js\" defer></script>");
        assertThat(html.split("<script", -1)).hasSize(2);
        assertThat(html).doesNotContain("style=").doesNotContain("<style").doesNotContainPattern("\\son[a-z]+\\s*=");
        String js = mvc.perform(get("/cascade/review/console/console.js").with(alice()))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Security-Policy", ReviewConsoleInterceptor.CONTENT_SECURITY_POLICY))
                .andReturn().getResponse().getContentAsString();
        assertThat(js).contains("textContent")
                .doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                .doesNotContain("document.write").doesNotContain("eval(");
        mvc.perform(get("/cascade/review/console/console.css").with(alice())).andExpect(status().isOk());
        mvc.perform(get(API + "/items").with(alice()))
                .andExpect(header().string("Content-Security-Policy", ReviewConsoleInterceptor.CONTENT_SECURITY_POLICY));
    }
}
