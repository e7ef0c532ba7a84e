/**
 * The Spring AI adapter: any {@code org.springframework.ai.chat.model.ChatModel} becomes a Cascade model step
 * ({@link dev.cascade.spring.ai.SpringAiModelClient}), Spring AI's exceptions map onto Cascade's failure kinds
 * ({@link dev.cascade.spring.ai.SpringAiClassifier}), and a model's own retries are turned off so that retries have
 * one owner ({@link dev.cascade.spring.ai.SpringAiClientRetries}).
 *
 * <p>{@code org.springframework.ai:spring-ai-model} (2.x; built and tested against 2.0.1) is an optional dependency of
 * {@code cascade-spring}: this package is the only one that uses it. The provider modules ({@code spring-ai-openai},
 * {@code spring-ai-anthropic}, ...), the SDKs under them ({@code openai-java}, {@code anthropic-java}),
 * {@code spring-web} and {@code spring-ai-retry} are never needed: their exceptions and clients are recognised by class
 * name and read by reflection, so an application with any subset of them works.
 */
package dev.cascade.spring.ai;
