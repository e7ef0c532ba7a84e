package dev.cascade.spring;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ListableBeanFactory;

import dev.cascade.spi.ModelClient;
import dev.cascade.spring.ai.SpringAiModelClient;

/** Spring AI glue, loaded only when Spring AI is on the classpath. */
final class SpringAiModels {

    private SpringAiModels() {
    }

    static boolean isChatModel(Object bean) {
        return bean instanceof ChatModel;
    }

    static ModelClient wrap(String beanName, Object bean) {
        return SpringAiModelClient.wrap((ChatModel) bean);
    }

    static Set<String> chatModelNames(ListableBeanFactory beans) {
        return new TreeSet<>(List.of(beans.getBeanNamesForType(ChatModel.class)));
    }
}
