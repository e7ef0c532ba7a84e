/**
 * Cascade for Spring Boot: {@link dev.cascade.spring.CascadeAutoConfiguration} builds the chains defined under
 * {@code cascade.chains} ({@link dev.cascade.spring.CascadeProperties}) and registers each as a
 * {@code Cascade<String, String>} bean qualified by its name, plus the {@link dev.cascade.spring.CascadeChains}
 * registry. Bad settings stop startup with a report naming the property
 * ({@link dev.cascade.spring.CascadeFailureAnalyzer}); {@link dev.cascade.spring.CascadeChainCustomizer} beans change
 * chains in code.
 */
package dev.cascade.spring;
