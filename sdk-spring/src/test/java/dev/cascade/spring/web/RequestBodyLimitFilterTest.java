package dev.cascade.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The filter on its own: which chunked bodies it reads (bounded) and how it replays them. */
class RequestBodyLimitFilterTest {

    private final RequestBodyLimitFilter filter = new RequestBodyLimitFilter(16);

    @Test
    void aChunkedFormBodyIsLeftToTheContainerForPostOnly() throws Exception {
        // POST: Tomcat parses the form itself, within maxPostSize.
        assertThat(run("POST", "application/x-www-form-urlencoded", "a=" + "x".repeat(40)).getStatus())
                .isEqualTo(200);
        // PUT, PATCH, DELETE: Spring's FormContentFilter would read it all into memory, so it is capped here.
        for (String method : new String[] {"PUT", "PATCH", "DELETE"}) {
            MockHttpServletResponse r = run(method, "application/x-www-form-urlencoded", "a=" + "x".repeat(40));
            assertThat(r.getStatus()).as(method).isEqualTo(413);
            assertThat(r.getContentType()).startsWith("application/problem+json");
        }
        assertThat(run("PUT", "application/x-www-form-urlencoded", "a=b").getStatus()).isEqualTo(200);
    }

    @Test
    void anUnknownCharacterEncodingReadsTheBufferedBodyAsUtf8() throws Exception {
        String[] read = new String[1];
        MockHttpServletRequest request = chunked("POST", "application/json", "{\"t\":\"é\"}");
        request.setCharacterEncoding("x-no-such-charset");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, (req, res) -> read[0] = req.getReader().readLine());
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(read[0]).isEqualTo("{\"t\":\"é\"}");
    }

    private MockHttpServletResponse run(String method, String contentType, String body)
            throws IOException, jakarta.servlet.ServletException {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(chunked(method, contentType, body), response, (req, res) -> { });
        return response;
    }

    /** A request with a body and no Content-Length, as a chunked one arrives. */
    private static MockHttpServletRequest chunked(String method, String contentType, String body) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/x") {
            @Override
            public int getContentLength() {
                return -1;
            }

            @Override
            public long getContentLengthLong() {
                return -1;
            }
        };
        request.addHeader("Transfer-Encoding", "chunked");
        request.setContentType(contentType);
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }
}
