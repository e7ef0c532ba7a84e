package dev.cascade.spring.review;

import dev.cascade.testing.wire.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewState;
import dev.cascade.review.ReviewStore;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error of the reviewer API over real HTTP (embedded Tomcat, the real security chain): each is
 * {@code application/problem+json} (RFC 9457) and names no Java method, class or library; and an oversize body is a
 * 413 that the server sends without reading the body it was promised. The statuses asserted here are the documented
 * error table.
 */
@SpringBootTest(classes = ReviewWebTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReviewApiErrorsTest {

    static final String API = "/cascade/review/api";
    /** Text that would give away the implementation if an error carried it. */
    static final String[] INTERNALS = {"dev.cascade", "ReviewApiController", "Exception", "jackson", "java.",
            "org.springframework"};

    @LocalServerPort
    int port;

    @Autowired
    ReviewStore store;

    final HttpClient client = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    String cookie;
    String csrfHeader;
    String csrfToken;

    @BeforeEach
    void signIn() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/session")).header("Authorization", basic())
                .header("Accept", "application/json").GET());
        assertThat(r.statusCode()).isEqualTo(200);
        cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        JsonNode session = json.readTree(r.body());
        csrfHeader = session.path("csrfHeader").asString();
        csrfToken = session.path("csrfToken").asString();
    }

    @Test
    void malformedJsonIs400ProblemJsonWithoutTheMethodSignature() throws Exception {
        ReviewItem item = claimed();
        HttpResponse<String> r = post("/items/" + item.id() + "/decision", "application/json", "{\"verdict\": ");
        assertProblem(r, 400);
        assertThat(r.body()).contains("not a valid JSON decision");
    }

    @Test
    void aMissingBodyIs400ProblemJsonWithoutTheMethodSignature() throws Exception {
        ReviewItem item = claimed();
        HttpResponse<String> r = post("/items/" + item.id() + "/decision", "application/json", "");
        assertProblem(r, 400);
    }

    @Test
    void aWronglyTypedFieldOrParameterIs400ProblemJson() throws Exception {
        ReviewItem item = claimed();
        assertProblem(post("/items/" + item.id() + "/decision", "application/json",
                "{\"verdict\":\"APPROVED\",\"version\":\"seven\",\"payloadHash\":\"x\"}"), 400);
        HttpResponse<String> r = get("/items?limit=lots");
        assertProblem(r, 400);
        assertThat(r.body()).contains("limit must be");
        assertProblem(get("/items?state=NOPE"), 400);
    }

    @Test
    void anUnknownPathOrItemIs404ProblemJson() throws Exception {
        assertProblem(get("/no-such-endpoint"), 404);
        assertProblem(get("/items/rv-does-not-exist"), 404);
    }

    @Test
    void aWrongMethodIs405ProblemJsonWithAllow() throws Exception {
        HttpResponse<String> r = get("/claim-next");
        assertProblem(r, 405);
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void aBodyThatIsNotJsonIs415ProblemJson() throws Exception {
        ReviewItem item = claimed();
        assertProblem(post("/items/" + item.id() + "/decision", "text/plain", "APPROVED"), 415);
    }

    @Test
    void anonymousCallsAre401ForReadsAndStateChangesAlike() throws Exception {
        // Spring Security answers these itself, before the API, with an empty body: 401 for a read; and for a POST
        // without a session or CSRF token, the CSRF filter's 403 is sent to /error on an ERROR dispatch, which this
        // app (like one that does not permit DispatcherType.ERROR) protects too: so 401 as well. The example app
        // permits the ERROR dispatch and answers 403 (TriageReviewTest). A signed-in reviewer without the CSRF token
        // gets 403 (ReviewApiTest).
        HttpResponse<String> read = send(HttpRequest.newBuilder(uri("/items"))
                .header("X-Requested-With", "XMLHttpRequest").GET());
        assertThat(read.statusCode()).isEqualTo(401);
        HttpResponse<String> write = send(HttpRequest.newBuilder(uri("/claim-next"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(write.statusCode()).isEqualTo(401);
        for (HttpResponse<String> r : java.util.List.of(read, write)) {
            for (String internal : INTERNALS) {
                assertThat(r.body()).doesNotContain(internal);
            }
        }
    }

    @Test
    void aDeclaredOversizeBodyIs413BeforeItIsRead() throws Exception {
        ReviewItem item = claimed();
        // 100 MB declared, 16 KB sent: the answer comes while the body is still almost all missing.
        String answer = RawHttp.declaredLength(port, head("/items/" + item.id() + "/decision"), 100L << 20, 16 << 10);
        assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                .contains("larger than 262144 bytes");
        assertThat(store.find(item.id()).orElseThrow().state()).isEqualTo(ReviewState.CLAIMED);
    }

    @Test
    void aChunkedOversizeBodyIs413AfterABoundedRead() throws Exception {
        ReviewItem item = claimed();
        // 320 KB sent in chunks against a 256 KB limit, and the body never ends: only a bounded read can answer.
        String answer = RawHttp.chunked(port, head("/items/" + item.id() + "/decision"), 40, 8 << 10);
        assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json");
        assertThat(store.find(item.id()).orElseThrow().state()).isEqualTo(ReviewState.CLAIMED);
    }

    @Test
    void aChunkedOversizeFormBodyOnAPutIs413AfterABoundedRead() throws Exception {
        // Only a POST form is parsed by the container (within its maxPostSize); for PUT, PATCH and DELETE Spring's
        // FormContentFilter would read the whole body into memory before security, so the limit applies.
        String head = "PUT " + API + "/items/rv-any/decision HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nAccept: application/json";
        String answer = RawHttp.chunked(port, head, 40, 8 << 10);
        assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                .contains("larger than 262144 bytes");
    }

    private ReviewItem claimed() throws Exception {
        ReviewItem item = ReviewWebTestApp.submit(store, "errors", null, 0);
        assertThat(post("/items/" + item.id() + "/claim", null, null).statusCode()).isEqualTo(200);
        return item;
    }

    private void assertProblem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode p = json.readTree(r.body());
        assertThat(p.path("status").asInt()).isEqualTo(status);
        assertThat(p.path("title").asString()).isNotBlank();
        assertThat(p.path("detail").asString()).isNotBlank();
        for (String internal : INTERNALS) {
            assertThat(r.body()).as("no internals in " + r.body()).doesNotContain(internal);
        }
    }

    private String head(String path) {
        return "POST " + API + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: " + basic()
                + "\r\nCookie: " + cookie + "\r\n" + csrfHeader + ": " + csrfToken
                + "\r\nContent-Type: application/json\r\nAccept: application/json";
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(authed(HttpRequest.newBuilder(uri(path))).header("Accept", "application/json").GET());
    }

    private HttpResponse<String> post(String path, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = authed(HttpRequest.newBuilder(uri(path))).header("Accept", "application/json");
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.POST(body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest.Builder authed(HttpRequest.Builder b) {
        return b.header("Authorization", basic()).header("Cookie", cookie).header(csrfHeader, csrfToken);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + API + path);
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString("alice:alice-pw".getBytes(StandardCharsets.UTF_8));
    }
}
