package dev.cascade.spring.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;

/**
 * Writes an RFC 9457 problem ({@code application/problem+json}) straight to a servlet response, for the places that
 * answer outside Spring MVC's message converters (a filter, a {@code HandlerExceptionResolver}). The problem's
 * {@code type} is {@code about:blank} and its {@code title} the status's reason phrase, as Spring's
 * {@code ProblemDetail.forStatusAndDetail} makes them: a problem's type follows from its status alone, wherever it
 * was raised. Stateless.
 */
public final class ProblemJson {

    private ProblemJson() {
    }

    /**
     * Sets {@code status}, the content type and length, and writes the problem with {@code detail} (escaped).
     *
     * @throws IOException if the response cannot be written
     */
    public static void write(HttpServletResponse response, int status, String detail) throws IOException {
        HttpStatus s = HttpStatus.resolve(status);
        String json = "{\"type\":\"about:blank\",\"title\":\"" + (s == null ? "Error" : s.getReasonPhrase())
                + "\",\"status\":" + status + ",\"detail\":\"" + escape(detail) + "\"}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
