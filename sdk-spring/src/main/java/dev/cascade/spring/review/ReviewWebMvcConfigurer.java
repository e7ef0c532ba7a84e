package dev.cascade.spring.review;

import java.util.List;

import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

/**
 * Serves the console's files from {@value #CONSOLE_LOCATION} at {@code <base-path>/console/}, redirects
 * {@code <base-path>} there, and puts {@link ReviewConsoleInterceptor} in front of everything under the base path.
 * Errors under the API that Spring MVC raises outside the controller go to {@link ReviewApiExceptionResolver}.
 * The files sit outside {@code META-INF/resources/} on purpose: Boot would otherwise serve them at a fixed path to
 * anyone, whatever the base path and the interceptor say.
 */
final class ReviewWebMvcConfigurer implements WebMvcConfigurer {

    static final String CONSOLE_LOCATION = "classpath:/META-INF/cascade/review-console/";

    private final CascadeReviewWebProperties properties;
    private final ReviewConsoleInterceptor interceptor;

    ReviewWebMvcConfigurer(CascadeReviewWebProperties properties, ReviewConsoleInterceptor interceptor) {
        this.properties = properties;
        this.interceptor = interceptor;
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler(properties.getBasePath() + "/console/**").addResourceLocations(CONSOLE_LOCATION);
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        String console = properties.getBasePath() + "/console/index.html";
        registry.addRedirectViewController(properties.getBasePath(), console);
        registry.addRedirectViewController(properties.getBasePath() + "/", console);
        registry.addRedirectViewController(properties.getBasePath() + "/console", console);
        registry.addRedirectViewController(properties.getBasePath() + "/console/", console);
    }

    @Override
    public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
        // After the @ExceptionHandler resolver (controller handlers and application advice), before Spring's default
        // one, which would send the status to the container's error page.
        int at = resolvers.size();
        for (int i = 0; i < resolvers.size(); i++) {
            if (resolvers.get(i) instanceof DefaultHandlerExceptionResolver) {
                at = i;
                break;
            }
        }
        resolvers.add(at, new ReviewApiExceptionResolver(properties));
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(interceptor).addPathPatterns(properties.getBasePath(), properties.getBasePath() + "/**");
    }
}
