package dev.cascade.spring.review;

import java.io.IOException;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.cascade.spring.web.ProblemJson;

/**
 * Answers, as problem+json without internals, the errors under {@code <base-path>/api} that Spring MVC raises before
 * (or outside) the API's controller: no such endpoint (404), wrong method (405, with {@code Allow}), a body type the
 * endpoint does not take (415), an {@code Accept} it cannot serve (406), and anything else Spring MVC would otherwise
 * hand to the servlet container's error page. Installed after the {@code @ExceptionHandler} resolver (the
 * controller's own handlers and the application's advice come first) and before Spring's default resolver. Requests
 * outside the API are left alone. Stateless and thread-safe.
 */
final class ReviewApiExceptionResolver implements HandlerExceptionResolver {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewApiExceptionResolver.class);

    private final CascadeReviewWebProperties properties;

    ReviewApiExceptionResolver(CascadeReviewWebProperties properties) {
        this.properties = properties;
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception ex) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String api = properties.apiPath();
        if (!(path.equals(api) || path.startsWith(api + "/")) || response.isCommitted()) {
            return null;
        }
        int status;
        String detail;
        if (ex instanceof NoResourceFoundException || ex instanceof NoHandlerFoundException) {
            status = 404;
            detail = "No review API endpoint at this path.";
        } else if (ex instanceof HttpRequestMethodNotSupportedException m) {
            status = 405;
            Set<HttpMethod> allowed = m.getSupportedHttpMethods();
            if (allowed != null && !allowed.isEmpty()) {
                response.setHeader("Allow", String.join(", ", allowed.stream().map(HttpMethod::name).toList()));
            }
            detail = "Method " + m.getMethod() + " is not supported here.";
        } else if (ex instanceof HttpMediaTypeNotSupportedException) {
            status = 415;
            detail = "Send the request body as application/json.";
        } else if (ex instanceof HttpMediaTypeNotAcceptableException) {
            status = 406;
            detail = "The review API answers application/json (errors: application/problem+json).";
        } else if (ex instanceof ErrorResponse r && r.getStatusCode().is4xxClientError()) {
            status = r.getStatusCode().value();
            detail = HttpStatus.valueOf(status).getReasonPhrase() + ".";
        } else {
            // Never the exception's text: it may carry database or library internals. The log has them.
            status = 500;
            detail = "The review API failed; the server log has the details.";
            LOG.error("review API request {} {} failed", request.getMethod(), path, ex);
        }
        try {
            ProblemJson.write(response, status, detail);
        } catch (IOException e) {
            LOG.debug("could not write the review API's error response", e);
        }
        return new ModelAndView();
    }
}
