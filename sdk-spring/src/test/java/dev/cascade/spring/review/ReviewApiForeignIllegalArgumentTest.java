package dev.cascade.spring.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

import dev.cascade.review.ReviewStore;

/**
 * An {@link IllegalArgumentException} the API did not raise itself (here the store's, naming its internals) is a
 * generic 500, not a 400 that echoes its text: only the API's own validation messages reach the caller.
 */
@SpringBootTest(classes = {ReviewWebTestApp.class, ReviewApiForeignIllegalArgumentTest.Store.class})
@AutoConfigureMockMvc
class ReviewApiForeignIllegalArgumentTest {

    static final String SECRET = "column secret_internal_col of table acme_private is not a NUMBER";

    @TestConfiguration(proxyBeanMethods = false)
    static class Store {
        @Bean
        @Primary
        ReviewStore failingStore() {
            return (ReviewStore) Proxy.newProxyInstance(ReviewStore.class.getClassLoader(),
                    new Class<?>[] {ReviewStore.class}, (proxy, method, args) -> {
                        if (method.getDeclaringClass() == Object.class) {
                            return switch (method.getName()) {
                                case "toString" -> "failing store";
                                case "hashCode" -> System.identityHashCode(proxy);
                                default -> proxy == args[0];
                            };
                        }
                        throw new IllegalArgumentException(SECRET);
                    });
        }
    }

    @Autowired
    private MockMvc mvc;

    @Test
    void aStoresIllegalArgumentIs500WithoutItsText() throws Exception {
        String body = mvc.perform(get("/cascade/review/api/items").with(user("alice").roles("REVIEWER")))
                .andExpect(status().isInternalServerError())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("The review API failed; the server log has the details."))
                .andReturn().getResponse().getContentAsString();
        assertThat(body).doesNotContain("secret_internal_col").doesNotContain("acme_private");
    }
}
