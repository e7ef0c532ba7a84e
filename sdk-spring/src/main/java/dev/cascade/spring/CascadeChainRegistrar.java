package dev.cascade.spring;

import java.util.Map;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

import dev.cascade.Cascade;

/**
 * Registers a bean {@code cascade.chain.<name>} of type {@code Cascade<String, String>} for every key under
 * {@code cascade.chains}, with the chain's name as its {@link Qualifier}. Each bean is the chain held by
 * {@link CascadeChains}, so a chain is built once whichever way it is injected.
 */
public final class CascadeChainRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

    /** The prefix of the chain beans' names. */
    public static final String BEAN_PREFIX = "cascade.chain.";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
        if (!environment.getProperty("cascade.enabled", Boolean.class, true)) {
            return;
        }
        // Only the names are read here; the chains' settings are bound (and checked) with CascadeProperties.
        Map<String, Object> chains = Binder.get(environment)
                .bind("cascade.chains", Bindable.mapOf(String.class, Object.class))
                .orElse(Map.of());
        BeanFactory beanFactory = (BeanFactory) registry;
        for (String name : chains.keySet()) {
            RootBeanDefinition def = new RootBeanDefinition();
            def.setTargetType(ResolvableType.forClassWithGenerics(Cascade.class, String.class, String.class));
            def.setInstanceSupplier(() -> beanFactory.getBean(CascadeChains.class).get(name));
            def.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
            def.setDependsOn("cascadeChains");
            registry.registerBeanDefinition(BEAN_PREFIX + name, def);
        }
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
        // Nothing: definitions are all registered above.
    }
}
