package dev.cascade.spring.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps request bodies before anything parses them: a body longer than {@code maxBytes} is answered
 * {@code 413 Payload Too Large} ({@code application/problem+json}) after reading at most {@code maxBytes + 1} bytes of
 * it. A declared {@code Content-Length} above the limit is refused without reading the body at all; a body without
 * one (chunked) is read up to the limit into memory and handed on to the rest of the chain from there, so a JSON
 * parser never sees more than {@code maxBytes}. Form POSTs ({@code application/x-www-form-urlencoded},
 * {@code multipart/*}) are left to the container's own limits (Tomcat's {@code maxPostSize}) apart from the
 * {@code Content-Length} check, because the container parses those bodies itself; a form body of any other method
 * (which Spring's {@code FormContentFilter} would read whole) is capped like any other body.
 *
 * <p>Register it for the paths it guards, ahead of the security filters so that an oversize body costs no
 * authentication work:
 * <pre>{@code
 * @Bean
 * FilterRegistrationBean<RequestBodyLimitFilter> triageBodyLimit() {
 *     FilterRegistrationBean<RequestBodyLimitFilter> r = new FilterRegistrationBean<>(new RequestBodyLimitFilter(131_072));
 *     r.addUrlPatterns("/triage");
 *     r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
 *     return r;
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; each request buffers at most {@code maxBytes} (and only when it has no
 * {@code Content-Length}).
 */
public final class RequestBodyLimitFilter extends OncePerRequestFilter {

    /** Filter order Cascade registers its own limits with: before Spring Security's filter chain (order -100). */
    public static final int ORDER = org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10;

    private final long maxBytes;

    /**
     * @param maxBytes the largest body accepted, in bytes; more than 0
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    public RequestBodyLimitFilter(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be more than 0, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The largest body accepted, in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            refuse(response);
            return;
        }
        if (declared >= 0 || !hasBody(request) || parsedByContainer(request)) {
            // A declared length within the limit: the container never hands out more than it (Tomcat stops at it).
            // A form POST: the container parses it within its own limit (Tomcat's maxPostSize).
            chain.doFilter(request, response);
            return;
        }
        byte[] body = readAtMost(request.getInputStream(), maxBytes + 1);
        if (body.length > maxBytes) {
            refuse(response);
            return;
        }
        chain.doFilter(new Buffered(request, body), response);
    }

    private void refuse(HttpServletResponse response) throws IOException {
        // The connection is closed after the answer: the rest of the body is never read (beyond what the container
        // drains to answer at all), and a client that keeps sending cannot keep the connection busy.
        response.setHeader("Connection", "close");
        ProblemJson.write(response, 413, "The request body is larger than " + maxBytes + " bytes.");
        response.flushBuffer();
    }

    private static boolean hasBody(HttpServletRequest request) {
        String method = request.getMethod();
        return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method)
                || "TRACE".equals(method) || "DELETE".equals(method))
                || request.getHeader("Transfer-Encoding") != null;
    }

    /**
     * A form body the container parses itself, within its own limit: only for POST. For PUT, PATCH and DELETE
     * Spring's {@code FormContentFilter} reads the whole form into memory (before Spring Security), so those are
     * read here, bounded, like any other body.
     */
    private static boolean parsedByContainer(HttpServletRequest request) {
        String type = request.getContentType();
        if (type == null || !"POST".equals(request.getMethod())) {
            return false;
        }
        String t = type.toLowerCase(Locale.ROOT);
        return t.startsWith("application/x-www-form-urlencoded") || t.startsWith("multipart/");
    }

    private static byte[] readAtMost(InputStream in, long limit) throws IOException {
        // limit is maxBytes + 1 <= Integer.MAX_VALUE in any sane configuration; guard anyway.
        int cap = (int) Math.min(limit, Integer.MAX_VALUE - 8);
        return in.readNBytes(cap);
    }

    /** The request with its (already read, within the limit) body replayed from memory. */
    private static final class Buffered extends HttpServletRequestWrapper {
        private final byte[] body;
        private final ByteArrayInputStream in;
        private final ServletInputStream stream;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
            this.in = new ByteArrayInputStream(body);
            this.stream = new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("a buffered request body is read synchronously");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public ServletInputStream getInputStream() {
            return stream;
        }

        @Override
        public java.io.BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            java.nio.charset.Charset cs = StandardCharsets.UTF_8;
            if (encoding != null) {
                try {
                    cs = java.nio.charset.Charset.forName(encoding);
                } catch (IllegalArgumentException unknownOrIllegal) {
                    // A client's unknown charset name must not turn into a 500: read it as UTF-8.
                }
            }
            return new java.io.BufferedReader(new java.io.InputStreamReader(in, cs));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
