package dev.cascade.spring.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import dev.cascade.review.InMemoryReviewStore;
import dev.cascade.review.ReviewItem;
import dev.cascade.review.ReviewStore;

/**
 * When the reviewer API and console are registered, and the fail-safe mode without Spring Security: nothing is exposed
 * unless the application opted in, and then only to container-authenticated users in the role, with state changes
 * carrying a header cross-site forms cannot send.
 */
class CascadeReviewWebAutoConfigurationTest {

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CascadeReviewWebAutoConfiguration.class,
                    WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
                    JacksonAutoConfiguration.class));

    @Configuration(proxyBeanMethods = false)
    static class Store {
        @Bean
        ReviewStore reviewStore() {
            return new InMemoryReviewStore();
        }
    }

    @Test
    void registersTheApiWithAStoreAndSpringSecurity() {
        web.withUserConfiguration(Store.class).run(context -> {
            assertThat(context).hasSingleBean(ReviewApiController.class);
            assertThat(context).hasSingleBean(CascadeReviewWebProperties.class);
            assertThat(context.getBean(ReviewerAccess.class)).isInstanceOf(SpringSecurityReviewerAccess.class);
        });
    }

    @Test
    void registersNothingWithoutAReviewStore() {
        web.run(context -> assertThat(context).doesNotHaveBean(ReviewApiController.class)
                .doesNotHaveBean(ReviewWebMvcConfigurer.class));
    }

    @Test
    void registersNothingWhenDisabled() {
        web.withUserConfiguration(Store.class).withPropertyValues("cascade.review.web.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ReviewApiController.class)
                        .doesNotHaveBean(ReviewWebMvcConfigurer.class));
    }

    @Test
    void registersNothingOutsideAServletWebApplication() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CascadeReviewWebAutoConfiguration.class))
                .withUserConfiguration(Store.class)
                .run(context -> assertThat(context).doesNotHaveBean(ReviewApiController.class));
    }

    @Test
    void registersNothingWithoutSpringSecurityUnlessTheApplicationOptsIn() {
        web.withUserConfiguration(Store.class).withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .run(context -> assertThat(context).doesNotHaveBean(ReviewApiController.class)
                        .doesNotHaveBean(ReviewWebMvcConfigurer.class));
    }

    @Test
    void aWrongPropertyStopsStartupNamingIt() {
        web.withUserConfiguration(Store.class).withPropertyValues("cascade.review.web.base-path=/review/")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("cascade.review.web.base-path must be like /cascade/review"));
        web.withUserConfiguration(Store.class).withPropertyValues("cascade.review.web.jaeger-base-url=javascript:x")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("cascade.review.web.jaeger-base-url must be an http or https URL"));
        web.withUserConfiguration(Store.class).withPropertyValues("cascade.review.web.lease=0s")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("cascade.review.web.lease must be > 0"));
    }

    @Test
    void withoutSpringSecurityAnOptedInAppUsesTheContainersPrincipalAndRoleAndTheHeaderDefence() {
        web.withUserConfiguration(Store.class).withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withPropertyValues("cascade.review.web.allow-without-spring-security=true",
                        "cascade.review.web.base-path=/ops/review")
                .run(context -> {
                    assertThat(context.getBean(ReviewerAccess.class)).isInstanceOf(ServletReviewerAccess.class);
                    MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
                    ReviewItem item = ReviewWebTestApp.submit(context.getBean(ReviewStore.class), "servlet", null, 0);
                    String api = "/ops/review/api";

                    mvc.perform(get(api + "/items")).andExpect(status().isUnauthorized())
                            .andExpect(jsonPath("$.detail").value("Sign in to use the review API."));
                    mvc.perform(get(api + "/items").with(signedIn("mallory", null))).andExpect(status().isForbidden())
                            .andExpect(jsonPath("$.detail")
                                    .value("The review API needs the authority 'ROLE_REVIEWER'."));
                    mvc.perform(get("/ops/review/console/index.html").with(signedIn("mallory", null)))
                            .andExpect(status().isForbidden());
                    mvc.perform(get(api + "/items").with(signedIn("carol", "REVIEWER"))).andExpect(status().isOk())
                            .andExpect(jsonPath("$.items[0].id").value(item.id()));
                    mvc.perform(get(api + "/session").with(signedIn("carol", "REVIEWER")))
                            .andExpect(jsonPath("$.reviewer").value("carol"))
                            .andExpect(jsonPath("$.csrfHeader").value("X-Requested-With"))
                            .andExpect(jsonPath("$.csrfToken").value("XMLHttpRequest"));

                    mvc.perform(post(api + "/items/{id}/claim", item.id()).with(signedIn("carol", "REVIEWER")))
                            .andExpect(status().isForbidden())
                            .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith(
                                    "State changes need CSRF protection")));
                    assertThat(context.getBean(ReviewStore.class).find(item.id()).orElseThrow().claimedBy()).isNull();
                    mvc.perform(post(api + "/items/{id}/claim", item.id()).with(signedIn("carol", "REVIEWER"))
                                    .header("X-Requested-With", "XMLHttpRequest"))
                            .andExpect(status().isOk())
                            .andExpect(jsonPath("$.claimedBy").value("carol"));
                    mvc.perform(get("/ops/review").with(signedIn("carol", "REVIEWER")))
                            .andExpect(status().is3xxRedirection());
                    mvc.perform(get("/ops/review/console/index.html").with(signedIn("carol", "REVIEWER")))
                            .andExpect(status().isOk());
                });
    }

    private static RequestPostProcessor signedIn(String name, String role) {
        return request -> {
            request.setUserPrincipal(() -> name);
            if (role != null) {
                request.addUserRole(role);
            }
            return request;
        };
    }
}
