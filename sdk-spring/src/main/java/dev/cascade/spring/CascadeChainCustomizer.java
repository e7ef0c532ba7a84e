package dev.cascade.spring;

import dev.cascade.CascadeBuilder;

/**
 * Changes a chain defined in properties before it is built: add a parser, a listener, a custom step, a classifier.
 * Every customizer bean is called for every chain, in {@link org.springframework.core.annotation.Order} order, after
 * the properties have been applied.
 */
@FunctionalInterface
public interface CascadeChainCustomizer {

    /**
     * @param chain   the chain's name (the key under {@code cascade.chains})
     * @param builder the chain's builder, with every property applied
     */
    void customize(String chain, CascadeBuilder<String, String> builder);
}
