package dev.cascade.spring.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import com.jayway.jsonpath.JsonPath;

import dev.cascade.api.Money;
import dev.cascade.api.ReviewDecision.Verdict;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewStore;

/**
 * The work-list half of the reviewer API through the real security chain (MockMvc): cursor pages with counts,
 * filters and search, ETag polling, lease renewal, the stats view, and how bad parameters are refused.
 */
@SpringBootTest(classes = ReviewWebTestApp.class, properties = {"cascade.review.web.logout-path=/signout",
        "cascade.review.web.poll-interval=2s"})
@AutoConfigureMockMvc
class ReviewWorkListApiTest {

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

    private ReviewItem submit(String chain, String step, String input) {
        String key = chain + "-" + java.util.UUID.randomUUID();
        return store.submit(new ReviewStore.Submission(chain, step, "acme", "exec-" + key, key, input, List.of(),
                Money.ZERO, Map.of(), 0, null, null, null));
    }

    @Test
    void cursorPagesWalkTheWholeListOnceWithCountsPerState() throws Exception {
        Set<String> submitted = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(submit("wl-pages", "desk", "ticket " + i).id());
        }
        store.claim(submitted.iterator().next(), "bob", Duration.ofMinutes(5));
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = get(API + "/items").param("chain", "wl-pages").param("limit", "2").with(alice());
            if (cursor != null) {
                request.param("cursor", cursor);
            }
            MvcResult r = mvc.perform(request).andExpect(status().isOk())
                    .andExpect(jsonPath("$.counts.PENDING").value(4))
                    .andExpect(jsonPath("$.counts.CLAIMED").value(1))
                    .andExpect(jsonPath("$.sort").value("QUEUE"))
                    .andReturn();
            String body = r.getResponse().getContentAsString();
            seen.addAll(JsonPath.read(body, "$.items[*].id"));
            cursor = JsonPath.read(body, "$.nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5).containsExactlyInAnyOrderElementsOf(submitted);
        // openItems: every open item, filtered or not (unfiltered, it comes from the counts)
        mvc.perform(get(API + "/items").with(alice()))
                .andExpect(jsonPath("$.openItems").value((int) store.depth()));
        mvc.perform(get(API + "/items").param("chain", "wl-pages").with(alice()))
                .andExpect(jsonPath("$.openItems").value((int) store.depth()));
    }

    @Test
    void filtersSearchAndPreviewsNarrowTheList() throws Exception {
        ReviewItem refund = submit("wl-filter", "desk", "Please refund\n\norder   77 " + "x".repeat(400));
        ReviewItem legal = submit("wl-filter", "legal", "A legal question about refund policy");
        store.claim(legal.id(), "bob", Duration.ofMinutes(5));
        mvc.perform(get(API + "/items").param("chain", "wl-filter").param("q", "REFUND order").with(alice()))
                .andExpect(jsonPath("$.items", hasSize(1)))
                .andExpect(jsonPath("$.items[0].id").value(refund.id()))
                .andExpect(jsonPath("$.items[0].preview").value(startsWith("Please refund order 77 xxx")))
                .andExpect(jsonPath("$.items[0].preview").value(org.hamcrest.Matchers.endsWith("…")));
        mvc.perform(get(API + "/items").param("chain", "wl-filter").param("step", "legal").with(alice()))
                .andExpect(jsonPath("$.items[*].id", contains(legal.id())));
        mvc.perform(get(API + "/items").param("chain", "wl-filter").param("claimedBy", "bob").with(alice()))
                .andExpect(jsonPath("$.items[*].id", contains(legal.id())));
        mvc.perform(get(API + "/items").param("chain", "wl-filter").param("sort", "NEWEST").with(alice()))
                .andExpect(jsonPath("$.items[*].id", contains(legal.id(), refund.id())));
    }

    @Test
    void badWorkListParametersAre400sThatNameTheParameter() throws Exception {
        mvc.perform(get(API + "/items").param("q", "!!").with(alice())).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("q must hold a word of two or more letters or digits, was '!!'"));
        mvc.perform(get(API + "/items").param("sort", "SIDEWAYS").with(alice())).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("sort must be one of [QUEUE, DUE, OLDEST, NEWEST], was 'SIDEWAYS'"));
        mvc.perform(get(API + "/items").param("cursor", "bm90LWEtY3Vyc29y").with(alice()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(startsWith("cursor must be the nextCursor of a page sorted by QUEUE")));
        mvc.perform(get(API + "/items").param("limit", "501").with(alice())).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("limit must be in [1, 500], was 501"));
        mvc.perform(get(API + "/items").param("offset", "0").param("q", "refund").with(alice()))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(startsWith("offset pages take only state, chain, tenant")));
        mvc.perform(get(API + "/stats").param("hours", "0").with(alice())).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value("hours must be in [1, 744], was 0"));
    }

    @Test
    void anUnchangedPageOrItemIsA304UntilSomethingChangesIt() throws Exception {
        ReviewItem item = submit("wl-etag", "desk", "etag me");
        String pageTag = mvc.perform(get(API + "/items").param("chain", "wl-etag").with(alice()))
                .andExpect(status().isOk()).andExpect(header().exists("ETag")).andReturn().getResponse()
                .getHeader("ETag");
        String itemTag = mvc.perform(get(API + "/items/{id}", item.id()).with(alice())).andExpect(status().isOk())
                .andReturn().getResponse().getHeader("ETag");
        mvc.perform(get(API + "/items").param("chain", "wl-etag").header("If-None-Match", pageTag).with(alice()))
                .andExpect(status().isNotModified());
        mvc.perform(get(API + "/items/{id}", item.id()).header("If-None-Match", itemTag).with(alice()))
                .andExpect(status().isNotModified());

        store.claim(item.id(), "bob", Duration.ofMinutes(5)); // another reviewer, outside this API
        mvc.perform(get(API + "/items").param("chain", "wl-etag").header("If-None-Match", pageTag).with(alice()))
                .andExpect(status().isOk()).andExpect(header().string("ETag", not(pageTag)))
                .andExpect(jsonPath("$.items[0].claimedBy").value("bob"));
        mvc.perform(get(API + "/items/{id}", item.id()).header("If-None-Match", itemTag).with(alice()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.claimedBy").value("bob"));
    }

    @Test
    void renewExtendsOnlyTheCallersOwnLiveClaim() throws Exception {
        ReviewItem item = submit("wl-renew", "desk", "renew me");
        mvc.perform(post(API + "/items/{id}/renew", item.id()).with(alice()).with(csrf()))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.reason").value("NOT_CLAIMED"));
        mvc.perform(post(API + "/items/{id}/claim", item.id()).with(alice()).with(csrf())).andExpect(status().isOk());
        long version = store.find(item.id()).orElseThrow().version();
        mvc.perform(post(API + "/items/{id}/renew", item.id()).with(alice()).with(csrf()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.heldByYou").value(true))
                .andExpect(jsonPath("$.version").value(version + 1));
        mvc.perform(post(API + "/items/{id}/renew", item.id()).with(bob()).with(csrf()))
                .andExpect(status().isConflict()).andExpect(jsonPath("$.reason").value("CLAIMED_BY_OTHER"));
        mvc.perform(post(API + "/items/{id}/renew", item.id()).with(alice()))
                .andExpect(status().isForbidden());
    }

    @Test
    void statsShowWhatEachReviewerAndChainDecided() throws Exception {
        ReviewItem item = submit("wl-stats", "desk", "decide me");
        ReviewItem c = store.claim(item.id(), "carol", Duration.ofMinutes(5));
        store.decide(new ReviewStore.Decide(item.id(), "carol", c.version(), c.payloadHash(), Verdict.EDITED, "done",
                null));
        mvc.perform(get(API + "/stats").with(alice())).andExpect(status().isOk())
                .andExpect(jsonPath("$.byReviewer[?(@.name == 'carol')].decided", contains(1)))
                .andExpect(jsonPath("$.byReviewer[?(@.name == 'carol')].editedShare", contains(1.0)))
                .andExpect(jsonPath("$.byChain[?(@.name == 'wl-stats')].decided", contains(1)));
    }

    @Test
    void theSessionTellsTheConsoleWhereToSignOutAndHowOftenToPoll() throws Exception {
        mvc.perform(get(API + "/session").with(alice())).andExpect(status().isOk())
                .andExpect(jsonPath("$.logoutPath").value("/signout"))
                .andExpect(jsonPath("$.pollMillis").value(2000))
                .andExpect(jsonPath("$.csrfToken").value(not(nullValue())));
    }
}
