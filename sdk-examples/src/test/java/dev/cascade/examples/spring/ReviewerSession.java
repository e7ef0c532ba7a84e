package dev.cascade.examples.spring;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo reviewer signed in over HTTP Basic, with the HTTP session cookie and the CSRF token that
 * {@code GET /cascade/review/api/session} hands out (the token lives in that session). Requests made through
 * {@link #apply} carry all three, as the console's own calls do.
 */
record ReviewerSession(String authorization, String cookie, String csrfHeader, String csrfToken) {

    static String basic(TriageSecurity.Reviewer reviewer) {
        return "Basic " + Base64.getEncoder().encodeToString((reviewer.username() + ":" + reviewer.password())
                .getBytes(StandardCharsets.UTF_8));
    }

    static ReviewerSession open(RestTestClient http, TriageSecurity.Reviewer reviewer) {
        String authorization = basic(reviewer);
        EntityExchangeResult<String> r = http.get().uri("/cascade/review/api/session")
                .header(HttpHeaders.AUTHORIZATION, authorization).accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult();
        String setCookie = r.getResponseHeaders().getFirst(HttpHeaders.SET_COOKIE);
        assertThat(setCookie).as("the session cookie that holds the CSRF token").startsWith("JSESSIONID=");
        JsonNode session = JsonMapper.builder().build().readTree(r.getResponseBody());
        assertThat(session.path("reviewer").asString()).isEqualTo(reviewer.username());
        return new ReviewerSession(authorization, setCookie.split(";", 2)[0], session.path("csrfHeader").asString(),
                session.path("csrfToken").asString());
    }

    /**
     * Any user of the app over HTTP Basic, with the session cookie and CSRF token of the login page (for users who
     * may not call the reviewer API, e.g. the operator).
     */
    static ReviewerSession openForm(RestTestClient http, TriageSecurity.Reviewer user) {
        EntityExchangeResult<String> r = http.get().uri("/login").accept(MediaType.TEXT_HTML).exchange()
                .expectStatus().isOk()
                .expectBody(String.class).returnResult();
        String setCookie = r.getResponseHeaders().getFirst(HttpHeaders.SET_COOKIE);
        assertThat(setCookie).as("the session cookie that holds the CSRF token").startsWith("JSESSIONID=");
        java.util.regex.Matcher token = java.util.regex.Pattern
                .compile("name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\"").matcher(r.getResponseBody());
        assertThat(token.find()).as("the login page's CSRF token").isTrue();
        return new ReviewerSession(basic(user), setCookie.split(";", 2)[0], "X-CSRF-TOKEN", token.group(1));
    }

    /** The reviewer's credentials, session cookie and CSRF token on a request. */
    void apply(HttpHeaders headers) {
        headers.set(HttpHeaders.AUTHORIZATION, authorization);
        headers.set(HttpHeaders.COOKIE, cookie);
        headers.set(csrfHeader, csrfToken);
    }
}
