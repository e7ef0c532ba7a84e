package dev.cascade.examples.docs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelClient;
import dev.cascade.spring.validation.CascadeValidationAutoConfiguration;
import dev.cascade.spring.validation.CascadeValidationProperties;
import dev.cascade.spring.CascadeAutoConfiguration;
import dev.cascade.spring.CascadeProperties;
import dev.cascade.spring.review.CascadeReviewWebProperties;

/**
 * Loads the {@code ```yaml} blocks of the documentation. Every block must parse. A block with keys under
 * {@code cascade} is also bound to {@link CascadeProperties} and {@link CascadeReviewWebProperties} so that a key
 * neither knows fails, and then starts {@link CascadeAutoConfiguration} on it, with a stand-in bean for every bean the
 * block names (models, accept, router, custom step) and an H2 {@code DataSource}, so every check Cascade makes at
 * startup runs on the block. Messages name the page, the line and the property.
 */
final class DocsYaml {

    private static final ConfigurationPropertyName CASCADE = ConfigurationPropertyName.of("cascade");
    private static final ConfigurationPropertyName REVIEW_WEB = ConfigurationPropertyName.of("cascade.review.web");
    private static final ConfigurationPropertyName VALIDATION = ConfigurationPropertyName.of("cascade.validation");

    private static final Pattern MODEL = Pattern.compile("cascade\\.chains\\.[^.]+\\.(steps\\[\\d+]|shadow)\\.model");
    private static final Pattern GATE = Pattern.compile("cascade\\.chains\\.[^.]+(\\.steps\\[\\d+])?\\.accept");
    private static final Pattern ROUTER = Pattern.compile("cascade\\.chains\\.[^.]+\\.router");
    private static final Pattern CUSTOM = Pattern.compile("cascade\\.chains\\.[^.]+\\.steps\\[\\d+]\\.bean");

    /** A model name the built-in price catalog knows, so that budgets in a block can price the stand-in models. */
    static final String STAND_IN_MODEL = "gpt-4o-mini";

    private DocsYaml() {
    }

    /** One message per problem of the yaml blocks among {@code blocks}. */
    static List<String> problems(java.nio.file.Path root, List<DocsSnippets.Block> blocks) {
        List<String> problems = new ArrayList<>();
        for (DocsSnippets.Block b : blocks) {
            if (b.lang().equals("yaml") || b.lang().equals("yml")) {
                problems.addAll(check(b.where(root), b.line(), b.text()));
            }
        }
        return problems;
    }

    /** The problems of one YAML text; {@code fenceLine} is the page line of the block's opening fence. */
    static List<String> check(String where, int fenceLine, String yaml) {
        List<PropertySource<?>> sources;
        try {
            sources = new YamlPropertySourceLoader().load(where,
                    new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8), where));
        } catch (Exception e) {
            return List.of(where + ": this ```yaml block does not parse: " + rootMessage(e));
        }
        TreeMap<String, String> cascadeKeys = new TreeMap<>();
        for (PropertySource<?> ps : sources) {
            for (String name : ((EnumerablePropertySource<?>) ps).getPropertyNames()) {
                if (name.equals("cascade") || name.startsWith("cascade.")) {
                    cascadeKeys.put(name, String.valueOf(ps.getProperty(name)));
                }
            }
        }
        if (cascadeKeys.isEmpty()) {
            return List.of();
        }
        List<String> problems = new ArrayList<>(bind(where, fenceLine, sources));
        if (problems.isEmpty()) {
            problems.addAll(start(where, sources, cascadeKeys));
        }
        return problems;
    }

    /** Binds {@code cascade.*}; a key that no Cascade properties class knows, or a value of the wrong type, fails. */
    private static List<String> bind(String where, int fenceLine, List<PropertySource<?>> sources) {
        List<ConfigurationPropertySource> all = new ArrayList<>();
        List<ConfigurationPropertySource> outsideWeb = new ArrayList<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.from(sources)) {
            all.add(source);
            outsideWeb.add(((IterableConfigurationPropertySource) source)
                    .filter(name -> !REVIEW_WEB.isAncestorOf(name) && !VALIDATION.isAncestorOf(name)));
        }
        List<String> problems = new ArrayList<>();
        bind(binder(outsideWeb), CASCADE, Bindable.of(CascadeProperties.class), where, fenceLine, problems);
        bind(binder(all), REVIEW_WEB, Bindable.of(CascadeReviewWebProperties.class), where, fenceLine, problems);
        bind(binder(all), VALIDATION, Bindable.of(CascadeValidationProperties.class), where, fenceLine, problems);
        return problems;
    }

    private static Binder binder(List<ConfigurationPropertySource> sources) {
        return new Binder(sources, null, ApplicationConversionService.getSharedInstance());
    }

    private static void bind(Binder binder, ConfigurationPropertyName name, Bindable<?> target, String where,
                             int fenceLine, List<String> problems) {
        try {
            binder.bind(name, target, new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (BindException e) {
            if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
                for (ConfigurationProperty p : unbound.getUnboundProperties()) {
                    problems.add(where + ": " + p.getName() + " (the page's line " + pageLine(fenceLine, p.getOrigin())
                            + ") is not a Cascade property: check its spelling against docs/spring-boot.md"
                            + "#properties-reference.");
                }
            } else {
                ConfigurationProperty p = e.getProperty();
                problems.add(where + ": " + (p == null ? e.getName() : p.getName() + " = '" + p.getValue()
                        + "' (the page's line " + pageLine(fenceLine, p.getOrigin()) + ")") + " cannot be bound: "
                        + rootMessage(e));
            }
        }
    }

    /** Starts Cascade's auto-configuration on the block, with stand-ins for the beans it names. */
    private static List<String> start(String where, List<PropertySource<?>> sources, TreeMap<String, String> keys) {
        List<String> problems = new ArrayList<>();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CascadeAutoConfiguration.class,
                        CascadeValidationAutoConfiguration.class))
                .withInitializer(context -> {
                    for (int i = sources.size() - 1; i >= 0; i--) {
                        context.getEnvironment().getPropertySources().addFirst(sources.get(i));
                    }
                    GenericApplicationContext beans = (GenericApplicationContext) context;
                    keys.forEach((key, bean) -> {
                        if (MODEL.matcher(key).matches()) {
                            register(beans, bean, ResolvableType.forClass(ModelClient.class), () -> standInModel(bean));
                        } else if (GATE.matcher(key).matches()) {
                            register(beans, bean, ResolvableType.forClassWithGenerics(Predicate.class, String.class),
                                    () -> (Predicate<String>) answer -> true);
                        } else if (ROUTER.matcher(key).matches()) {
                            register(beans, bean, ResolvableType.forClassWithGenerics(Function.class, String.class,
                                    String.class), () -> (Function<String, String>) input -> null);
                        } else if (CUSTOM.matcher(key).matches()) {
                            register(beans, bean, ResolvableType.forClassWithGenerics(Function.class,
                                    ResolvableType.forClass(String.class),
                                    ResolvableType.forClassWithGenerics(Optional.class, String.class)),
                                    () -> (Function<String, Optional<String>>) input -> Optional.empty());
                        }
                    });
                    JdbcDataSource h2 = new JdbcDataSource();
                    h2.setURL("jdbc:h2:mem:docs-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
                    beans.registerBean("dataSource", DataSource.class, () -> h2);
                })
                .run(context -> {
                    if (context.getStartupFailure() != null) {
                        problems.add(where + ": Cascade does not start on this ```yaml block (with stand-in beans "
                                + "for the beans it names): " + rootMessage(context.getStartupFailure()));
                    }
                });
        return problems;
    }

    private static void register(GenericApplicationContext beans, String name, ResolvableType type,
                                 Supplier<?> instance) {
        if (beans.containsBeanDefinition(name)) {
            return;
        }
        RootBeanDefinition definition = new RootBeanDefinition();
        definition.setTargetType(type);
        definition.setInstanceSupplier(instance);
        beans.registerBeanDefinition(name, definition);
    }

    /**
     * A model that answers at once. Its provider is the bean's name, so that steps on different beans get their own
     * breaker (the default resource is provider/model) as they would with real models.
     */
    private static ModelClient standInModel(String bean) {
        return new ModelClient() {
            @Override
            public ModelResponse call(dev.cascade.api.ModelRequest request) {
                return ModelResponse.of("stand-in answer", Usage.of(1, 1));
            }

            @Override
            public String provider() {
                return bean;
            }

            @Override
            public String model() {
                return STAND_IN_MODEL;
            }
        };
    }

    private static String pageLine(int fenceLine, Origin origin) {
        for (Origin o = origin; o != null; o = o.getParent()) {
            if (o instanceof PropertySourceOrigin fromSource && fromSource.getOrigin() != null) {
                o = fromSource.getOrigin();
            }
            if (o instanceof TextResourceOrigin text && text.getLocation() != null) {
                return String.valueOf(fenceLine + 1 + text.getLocation().getLine());
            }
        }
        return "?";
    }

    private static String rootMessage(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && (sb.length() == 0 || !sb.toString().contains(t.getMessage()))) {
                if (sb.length() > 0) {
                    sb.append(" <- ");
                }
                sb.append(t.getMessage());
            }
        }
        return sb.toString();
    }
}
