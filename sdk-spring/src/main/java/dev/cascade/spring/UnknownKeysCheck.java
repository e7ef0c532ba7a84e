package dev.cascade.spring;

import java.beans.PropertyDescriptor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.context.properties.source.UnboundElementsSourceFilter;
import org.springframework.boot.origin.Origin;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.env.Environment;

import dev.cascade.spring.review.CascadeReviewWebProperties;

/**
 * Stops startup when a key under {@code cascade.} is not a Cascade setting, e.g. a misspelled
 * {@code cascade.chains.triage.steps[0].timout}, which Spring would otherwise ignore (the chain would start without
 * the timeout). The message names each unknown key, where it was written (file and line:column when the property
 * source tracks origins, as {@code application.yml} and {@code application.properties} do) and the nearest valid key.
 *
 * <p>Which keys are known is decided by Spring's own binder: each settings class ({@link CascadeProperties} at
 * {@code cascade}, {@link CascadeReviewWebProperties} at {@code cascade.review.web}, and any other
 * {@code @ConfigurationProperties} class registered under a {@code cascade.} prefix) is bound with a handler that
 * records every name bound, and a key in a property source that was not bound is unknown. So every relaxed form
 * Spring accepts ({@code failureRateThreshold}, {@code failure_rate_threshold}) is accepted here, and map keys that
 * are the user's names (chains, prices, headroom, on-failure kinds) are free. The items of a list that a
 * higher-precedence source replaces are not reported. Like Spring's {@code ignoreUnknownFields = false}, environment
 * variables and JVM system properties are not checked: they hold unrelated names that merely start with
 * {@code CASCADE_}.
 *
 * <p>Runs once, before any bean is created (a {@link BeanFactoryPostProcessor}). A value that cannot be converted is
 * reported as Spring reports it (a {@link BindException}, explained by {@link CascadeFailureAnalyzer}).
 */
final class UnknownKeysCheck implements BeanFactoryPostProcessor, EnvironmentAware, Ordered {

    /** A settings class bound at a prefix. */
    record Root(ConfigurationPropertyName prefix, Class<?> type) {
    }

    private static final List<Root> KNOWN = List.of(
            new Root(ConfigurationPropertyName.of("cascade"), CascadeProperties.class),
            new Root(ConfigurationPropertyName.of("cascade.review.web"), CascadeReviewWebProperties.class));

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
        check(environment, roots(beanFactory));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    /** The known settings classes plus any {@code @ConfigurationProperties} bean definition under {@code cascade.}. */
    static List<Root> roots(ConfigurableListableBeanFactory beanFactory) {
        List<Root> roots = new ArrayList<>(KNOWN);
        for (String name : beanFactory.getBeanDefinitionNames()) {
            BeanDefinition def = beanFactory.getBeanDefinition(name);
            // Only definitions whose class is already loaded: nothing is instantiated or resolved here.
            if (!(def instanceof AbstractBeanDefinition abd) || !abd.hasBeanClass()) {
                continue;
            }
            Class<?> type = abd.getBeanClass();
            MergedAnnotation<ConfigurationProperties> a = MergedAnnotations.from(type).get(ConfigurationProperties.class);
            if (!a.isPresent() || roots.stream().anyMatch(r -> r.type() == type)) {
                continue;
            }
            String prefix = a.getString("prefix").isEmpty() ? a.getString("value") : a.getString("prefix");
            if (prefix.equals("cascade") || prefix.startsWith("cascade.")) {
                roots.add(new Root(ConfigurationPropertyName.of(prefix), type));
            }
        }
        return roots;
    }

    /** @throws CascadeConfigurationException naming every unknown key, its origin and the nearest valid key */
    static void check(Environment environment, List<Root> roots) {
        List<ConfigurationPropertySource> sources = new ArrayList<>();
        ConfigurationPropertySources.get(environment).forEach(sources::add);
        Binder binder = new Binder(sources, new PropertySourcesPlaceholdersResolver(environment));
        // Spring's own binder decides what is bound, with every relaxed form it accepts. (Its
        // NoUnboundElementsBindHandler is not enough: it lets through unknown keys nested in list items, such as
        // steps[0].retyr.max-attempts, taking them for items of an overridden list.)
        Set<ConfigurationPropertyName> bound = new HashSet<>();
        BindHandler recorder = new AbstractBindHandler() {
            @Override
            public Object onSuccess(ConfigurationPropertyName name, Bindable<?> target, BindContext context,
                                    Object result) {
                bound.add(name);
                return result;
            }
        };
        List<Unknown> unknown = new ArrayList<>();
        Set<ConfigurationPropertyName> seen = new HashSet<>();
        for (Root root : roots) {
            try {
                binder.bind(root.prefix(), Bindable.of(root.type()), recorder);
            } catch (BindException e) {
                // Spring itself refuses list items with no known setting (rules[0].keyword alone); say it our way.
                if (!(e.getCause() instanceof UnboundConfigurationPropertiesException u)) {
                    throw e; // a bad value: reported as the @ConfigurationProperties binding would report it
                }
                for (ConfigurationProperty p : u.getUnboundProperties()) {
                    if (seen.add(p.getName())) {
                        unknown.add(describe(owner(roots, p.getName()), p.getName(), p.getOrigin()));
                    }
                }
            }
        }
        UnboundElementsSourceFilter checked = new UnboundElementsSourceFilter();
        for (ConfigurationPropertySource source : sources) {
            if (!(source instanceof IterableConfigurationPropertySource iterable) || !checked.apply(source)) {
                continue;
            }
            for (ConfigurationPropertyName name : (Iterable<ConfigurationPropertyName>) iterable.stream()::iterator) {
                Root root = owner(roots, name);
                if (root != null && !bound.contains(name) && !overriddenListItem(name, source, sources)
                        && seen.add(name)) {
                    ConfigurationProperty property = source.getConfigurationProperty(name);
                    unknown.add(describe(root, name, property == null ? null : property.getOrigin()));
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw failure(unknown);
        }
    }

    /**
     * Whether {@code name} is an item of a list that another source supplies. Spring binds a list from the first
     * source that has any item of it, so the items of lower sources are ignored without being unknown.
     */
    private static boolean overriddenListItem(ConfigurationPropertyName name, ConfigurationPropertySource source,
                                              List<ConfigurationPropertySource> sources) {
        for (int i = 0; i < name.getNumberOfElements(); i++) {
            if (!name.isNumericIndex(i)) {
                continue;
            }
            ConfigurationPropertyName list = name.chop(i);
            for (ConfigurationPropertySource s : sources) {
                if (s.containsDescendantOf(list) == ConfigurationPropertyState.PRESENT
                        || s.getConfigurationProperty(list) != null) {
                    if (s != source) {
                        return true;
                    }
                    break;
                }
            }
        }
        return false;
    }

    private static Root owner(List<Root> roots, ConfigurationPropertyName name) {
        Root owner = null;
        for (Root r : roots) {
            if (r.prefix().isAncestorOf(name) && (owner == null
                    || r.prefix().getNumberOfElements() > owner.prefix().getNumberOfElements())) {
                owner = r;
            }
        }
        return owner;
    }

    /** One unknown key: where it was written, the nearest valid key (or null) and what to do. */
    record Unknown(String key, String origin, String nearest, String action) {

        String problem() {
            return key + " is not a Cascade setting" + (origin == null ? "" : " (" + origin + ")")
                    + (nearest == null ? "" : "; did you mean " + nearest + "?");
        }
    }

    private static CascadeConfigurationException failure(List<Unknown> unknown) {
        Unknown first = unknown.get(0);
        StringBuilder problem = new StringBuilder("not a Cascade setting"
                + (first.origin() == null ? "" : " (" + first.origin() + ")")
                + (first.nearest() == null ? "" : "; did you mean " + first.nearest() + "?"));
        StringBuilder action = new StringBuilder(first.action());
        if (unknown.size() > 1) {
            problem.append(" Also unknown:");
            for (Unknown u : unknown.subList(1, unknown.size())) {
                problem.append("\n    ").append(u.problem());
                action.append("\n").append(u.action());
            }
        }
        action.append("\nSpring would ignore these keys, so the settings you meant would not apply.");
        return new CascadeConfigurationException(first.key(), problem.toString(), action.toString());
    }

    /** Walks {@code p}'s name down the settings classes of {@code root} to the first element that is not a setting. */
    static Unknown describe(Root root, ConfigurationPropertyName name, Origin where) {
        String key = name.toString();
        String origin = where == null ? null : "from " + where;
        ResolvableType type = ResolvableType.forClass(root.type());
        boolean afterMapKey = false;
        for (int i = root.prefix().getNumberOfElements(); i < name.getNumberOfElements(); i++) {
            Class<?> raw = type.resolve(Object.class);
            ConfigurationPropertyName parent = name.chop(i);
            if (Map.class.isAssignableFrom(raw)) {
                type = type.asMap().getGeneric(1); // the key is the user's name
                afterMapKey = true;
                continue;
            }
            if (Collection.class.isAssignableFrom(raw)) {
                if (!name.isNumericIndex(i)) {
                    return new Unknown(key, origin, null, parent + " is a list: write its items with an index, e.g. "
                            + parent + "[0]." + name.subName(i) + " (in YAML, '- ' items).");
                }
                type = type.asCollection().getGeneric(0);
                afterMapKey = false;
                continue;
            }
            if (!isSettings(raw)) {
                return new Unknown(key, origin, null, parent + " takes a value; nothing goes under it. Remove " + key
                        + ", or set " + parent + " itself.");
            }
            Map<String, String> settings = settingsOf(raw);
            String element = name.getElement(i, Form.UNIFORM);
            String dashed = settings.get(element);
            if (dashed != null) {
                type = propertyType(raw, dashed);
                afterMapKey = false;
                continue;
            }
            String nearest = nearest(element, settings);
            String rest = i + 1 < name.getNumberOfElements() ? "." + name.subName(i + 1) : "";
            String nearestKey = nearest == null ? null : parent.append(nearest) + rest;
            String valid = "The settings under " + parent + " are: " + String.join(", ", settings.values()) + ".";
            String action = nearestKey != null ? "Rename " + key + " to " + nearestKey + ", or remove it. " + valid
                    : "Remove " + key + ", or use one of the settings. " + valid;
            if (afterMapKey && Character.isDigit(name.getElement(i, Form.ORIGINAL).charAt(0))) {
                String joined = name.getElement(i - 1, Form.ORIGINAL) + "." + name.getElement(i, Form.ORIGINAL);
                action += " If '" + joined + "' is one name (a model such as gpt-4.1), write it in brackets: "
                        + name.chop(i - 1) + "[" + joined + "]" + rest + " (in YAML: \"[" + joined + "]\":).";
            }
            return new Unknown(key, origin, nearestKey, action);
        }
        return new Unknown(key, origin, null, "Remove " + key + ".");
    }

    private static boolean isSettings(Class<?> type) {
        return type.getName().startsWith("dev.cascade.") && !type.isEnum() && !type.isInterface();
    }

    /** The class's settings in declaration order: uniform form (as Spring compares them) to dashed form. */
    private static Map<String, String> settingsOf(Class<?> type) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Field f : type.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            PropertyDescriptor pd = BeanUtils.getPropertyDescriptor(type, f.getName());
            if (pd != null && pd.getReadMethod() != null) {
                String dashed = DataObjectPropertyName.toDashedForm(f.getName());
                out.put(ConfigurationPropertyName.of(dashed).getElement(0, Form.UNIFORM), dashed);
            }
        }
        return out;
    }

    private static ResolvableType propertyType(Class<?> type, String dashed) {
        String uniform = ConfigurationPropertyName.of(dashed).getElement(0, Form.UNIFORM);
        for (PropertyDescriptor pd : BeanUtils.getPropertyDescriptors(type)) {
            if (pd.getReadMethod() != null && uniform.equals(ConfigurationPropertyName
                    .of(DataObjectPropertyName.toDashedForm(pd.getName())).getElement(0, Form.UNIFORM))) {
                return ResolvableType.forMethodReturnType(pd.getReadMethod());
            }
        }
        return ResolvableType.NONE;
    }

    /** The setting closest to {@code element} by edit distance, if close enough to be a slip; else null. */
    static String nearest(String element, Map<String, String> settings) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            int d = distance(element, e.getKey());
            if (d < bestDistance) {
                best = e.getValue();
                bestDistance = d;
            }
        }
        int allowed = Math.max(2, element.length() * 2 / 5);
        return bestDistance <= allowed ? best : null;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
