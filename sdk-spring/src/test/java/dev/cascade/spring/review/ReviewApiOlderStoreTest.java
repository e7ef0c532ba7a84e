package dev.cascade.spring.review;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
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

import dev.cascade.review.InMemoryReviewStore;
import dev.cascade.review.ReviewStore;

/**
 * An application's own {@link ReviewStore} written before the work-list methods existed (it keeps their defaults):
 * the work-list requests say so with a 501 and what to do, and the older offset pages still work.
 */
@SpringBootTest(classes = {ReviewWebTestApp.class, ReviewApiOlderStoreTest.Store.class})
@AutoConfigureMockMvc
class ReviewApiOlderStoreTest {

    @TestConfiguration(proxyBeanMethods = false)
    static class Store {
        @Bean
        @Primary
        ReviewStore olderStore() {
            InMemoryReviewStore delegate = new InMemoryReviewStore();
            return (ReviewStore) Proxy.newProxyInstance(ReviewStore.class.getClassLoader(),
                    new Class<?>[] {ReviewStore.class}, (proxy, method, args) -> {
                        if (method.isDefault()) {
                            return InvocationHandler.invokeDefault(proxy, method, args);
                        }
                        try {
                            return method.invoke(delegate, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    @Autowired
    private MockMvc mvc;

    @Test
    void workListRequestsAre501WithWhatToDoAndOffsetPagesStillWork() throws Exception {
        mvc.perform(get("/cascade/review/api/items").with(user("alice").roles("REVIEWER")))
                .andExpect(status().isNotImplemented())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.startsWith(
                        "The application's review store does not support this request")));
        mvc.perform(get("/cascade/review/api/stats").with(user("alice").roles("REVIEWER")))
                .andExpect(status().isNotImplemented());
        mvc.perform(get("/cascade/review/api/items").param("offset", "0").with(user("alice").roles("REVIEWER")))
                .andExpect(status().isOk()).andExpect(jsonPath("$.items").isArray());
    }
}
