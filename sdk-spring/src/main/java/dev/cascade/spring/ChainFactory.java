package dev.cascade.spring;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.ResolvableType;

import dev.cascade.Cascade;
import dev.cascade.CascadeBuilder;
import dev.cascade.CascadeRegistries;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Pricing;
import dev.cascade.budget.Budget;
import dev.cascade.budget.Scope;
import dev.cascade.budget.Window;
import dev.cascade.review.ReviewPolicy;
import dev.cascade.rules.RuleSet;
import dev.cascade.shadow.ShadowComparator;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.ModelClient;
import dev.cascade.spi.ReviewQueue;

/**
 * Turns {@link CascadeProperties.Chain}s into chains. Every check names the full property and says how to fix it;
 * a chain is built only when all of its properties are valid, so nothing is half-registered.
 */
final class ChainFactory {

    /** Finds the model client for a bean name; empty if the bean is not a model. */
    interface ModelResolver {
        Optional<ModelClient> resolve(String beanName);

        /** Names of the beans that could be models, for the error message. */
        Set<String> candidates();
    }

    /** Makes the review queue of a chain's human-review step. */
    interface ReviewQueues {
        ReviewQueue<String, String> forChain(String chain, String step, ReviewPolicy policy);
    }

    private static final Pattern DECIMALS = Pattern.compile("-?\\d+(\\.\\d{1,6})?");

    private final ListableBeanFactory beans;
    private final ModelResolver models;
    private final ReviewQueues reviews;
    private final CascadeRegistries registries;
    private final BudgetLedger ledger;
    private final List<CascadeListener> listeners;
    private final List<FailureClassifier> classifiers;
    private final List<CascadeChainCustomizer> customizers;

    ChainFactory(ListableBeanFactory beans, ModelResolver models, ReviewQueues reviews, CascadeRegistries registries,
                 BudgetLedger ledger, List<CascadeListener> listeners, List<FailureClassifier> classifiers,
                 List<CascadeChainCustomizer> customizers) {
        this.beans = beans;
        this.models = models;
        this.reviews = reviews;
        this.registries = registries;
        this.ledger = ledger;
        this.listeners = List.copyOf(listeners);
        this.classifiers = List.copyOf(classifiers);
        this.customizers = List.copyOf(customizers);
    }

    CascadeChains buildAll(Map<String, CascadeProperties.Chain> chains) {
        Map<String, CascadeChains.Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, CascadeProperties.Chain> e : chains.entrySet()) {
            entries.put(e.getKey(), build(e.getKey(), e.getValue()));
        }
        CascadeChains all = new CascadeChains(entries);
        all.startReviewPollers();
        return all;
    }

    /**
     * Builds one chain through the core builder, which checks every rule; a core
     * {@link dev.cascade.api.CascadeConfigurationException} (path {@code steps[1].retry.maxAttempts}) comes out as this
     * starter's, naming the property ({@code cascade.chains.<name>.steps[1].retry.max-attempts}). Only what the
     * core cannot know (bean names, the shape of the properties) is checked here.
     */
    CascadeChains.Entry build(String name, CascadeProperties.Chain p) {
        String at = "cascade.chains." + name;
        try {
            return configure(name, at, p);
        } catch (CascadeConfigurationException e) {
            throw e;
        } catch (dev.cascade.api.CascadeConfigurationException e) {
            throw translate(at, e, p);
        }
    }

    private CascadeChains.Entry configure(String name, String at, CascadeProperties.Chain p) {
        CascadeBuilder<String, String> b = Cascade.builder(name);
        String system = p.getSystemPrompt();
        Integer chainMaxTokens = positiveOrNull(at + ".max-output-tokens", p.getMaxOutputTokens());
        b.prompt(prompt(system, chainMaxTokens)).parse(ModelResponse::text);
        if (p.getDeadline() != null) {
            b.deadline(p.getDeadline());
        }
        if (p.getLateCompletionGrace() != null) {
            b.lateCompletionGrace(p.getLateCompletionGrace());
        }
        if (p.getVirtualThreads() != null) {
            b.virtualThreads(p.getVirtualThreads());
        }
        if (p.getAccept() != null) {
            b.accept(bean(at + ".accept", p.getAccept(), GATE, "Predicate<String>"));
        }
        if (p.getRouter() != null) {
            b.router(bean(at + ".router", p.getRouter(), ROUTER, "Function<String, String>"));
        }
        p.getOnFailure().forEach((kind, change) -> onFailure(b, at + ".on-failure." + kind, kind, change));
        if (p.getLastResort() != null) {
            lastResort(b, at + ".last-resort", p.getLastResort());
        }

        List<CascadeProperties.Step> steps = p.getSteps() == null ? List.of() : p.getSteps();
        Set<String> names = new HashSet<>();
        ReviewQueue<String, String> review = null;
        for (int i = 0; i < steps.size(); i++) {
            String sat = at + ".steps[" + i + "]";
            CascadeProperties.Step s = steps.get(i);
            String kind = kindOf(sat, s);
            String stepName = s.getName() != null && !s.getName().isBlank() ? s.getName()
                    : switch (kind) {
                        case "model" -> s.getModel();
                        case "bean" -> s.getBean();
                        case "rules" -> "rules";
                        default -> "human-review";
                    };
            names.add(stepName);
            if (!"model".equals(kind)) {
                rejectModelOptions(sat, s);
            }
            if (!"human-review".equals(kind) && s.getReview() != null) {
                throw new CascadeConfigurationException(sat + ".review", "review settings apply to the"
                        + " human-review step only", "Move " + sat + ".review to the step with human-review: true.");
            }
            switch (kind) {
                case "model" -> modelStep(b, sat, stepName, s, system, chainMaxTokens);
                case "rules" -> b.rules(stepName, rules(sat + ".rules", s.getRules()));
                case "bean" -> b.step(stepName, bean(sat + ".bean", s.getBean(), CUSTOM,
                        "Function<String, Optional<String>>"));
                default -> {
                    review = reviews.forChain(name, stepName, reviewPolicy(sat + ".review", s.getReview()));
                    b.humanReview(stepName, review);
                }
            }
        }
        Budget budget = p.getBudget() == null ? null : budget(at + ".budget", p.getBudget(), names);
        if (budget != null) {
            b.budget(budget);
        }
        if (p.getCache() != null && !Boolean.FALSE.equals(p.getCache().getEnabled())) {
            cache(b, at + ".cache", p.getCache());
        }
        if (p.getShadow() != null) {
            shadow(b, at + ".shadow", p.getShadow());
        }
        b.registries(registries);
        listeners.forEach(b::listener);
        classifiers.forEach(b::classifier);
        customizers.forEach(c -> c.customize(name, b));
        Cascade<String, String> chain = b.build();
        return new CascadeChains.Entry(name, chain, Optional.ofNullable(budget), Optional.ofNullable(review));
    }

    /**
     * The core's error, at the property it came from: {@code steps[1].retry.maxAttempts} of chain {@code triage}
     * becomes {@code cascade.chains.triage.steps[1].retry.max-attempts}. The core's steps are this chain's
     * {@code steps} list, one for one and in order. The problem is the core's; the fix names the property, and for a
     * step the chain's budget cannot price, the problem and the fix in the chain's properties.
     */
    static CascadeConfigurationException translate(String at, dev.cascade.api.CascadeConfigurationException e,
                                                   CascadeProperties.Chain p) {
        String property = at + "." + propertyPath(e.path());
        String problem = (e.context() == null ? "" : e.context() + ": ") + e.problem();
        String fix = "For " + property + ": " + e.fix() + ".";
        java.util.regex.Matcher step = UNPRICED.matcher(e.path());
        if (step.matches() && e.problem().contains("budget") && p.getBudget() != null && p.getSteps() != null
                && Integer.parseInt(step.group(1)) < p.getSteps().size()) {
            String stepAt = at + ".steps[" + step.group(1) + "]";
            CascadeProperties.Step s = p.getSteps().get(Integer.parseInt(step.group(1)));
            String model = e.value() instanceof String m ? m : null;
            String stepName = s.getName() != null && !s.getName().isBlank() ? s.getName() : s.getModel();
            String closed = " A budget fails closed: every call of this step would be skipped as OVER_BUDGET and the"
                    + " input sent on to the next step.";
            problem = model == null
                    ? "the chain has a budget (" + at + ".budget), but model bean '" + s.getModel() + "' of step '"
                            + stepName + "' does not report which model it calls, so its calls cannot be priced."
                            + closed
                    : "the chain has a budget (" + at + ".budget), but it has no price for model '" + model + "' ("
                            + (s.getModelName() != null ? "named by " + stepAt + ".model-name" : "reported by model"
                            + " bean '" + s.getModel() + "'") + "), and neither has step '" + stepName + "'." + closed;
            fix = pricingFix(at, stepAt, model, s.getModelName() != null);
        }
        return relocated(new CascadeConfigurationException(property, e.value(), problem, fix, e.getCause()), e);
    }

    /**
     * The translation stands in for the core's error rather than wrapping it (a report's root cause then names the
     * property, not the core path); it keeps the core's stack trace, which shows the check that failed.
     */
    private static CascadeConfigurationException relocated(CascadeConfigurationException translated,
                                                          dev.cascade.api.CascadeConfigurationException original) {
        translated.setStackTrace(original.getStackTrace());
        return translated;
    }

    private static final Pattern UNPRICED = Pattern.compile("steps\\[(\\d+)]\\.(modelName|model)");
    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");

    /** A core path as a property path: camelCase segments in kebab-case; budget limits by their property names. */
    static String propertyPath(String path) {
        if (path.startsWith("budget.headroom.")) {
            return path; // the rest is a step name
        }
        switch (path) {
            case "budget.limit.CHAIN.HOUR": return "budget.per-hour";
            case "budget.limit.CHAIN.DAY": return "budget.per-day";
            case "budget.limit.CHAIN.MONTH": return "budget.per-month";
            case "budget.limit.TENANT.DAY": return "budget.per-tenant-per-day";
            case "budget.softLimit.CHAIN.DAY": return "budget.soft-per-day";
            case "cache.maxEntryBytes": return "cache.max-entry-size";
            default: break;
        }
        if (path.startsWith("shadows[0]")) {
            path = "shadow" + path.substring("shadows[0]".length()); // one shadow per chain in properties
        }
        if (path.startsWith("onFailure.")) {
            return "on-failure." + path.substring("onFailure.".length()).toLowerCase(Locale.ROOT).replace('_', '-');
        }
        return CAMEL.matcher(path).replaceAll("$1-$2").toLowerCase(Locale.ROOT);
    }

    /** How to price a budgeted step, in properties. */
    private static String pricingFix(String chainAt, String stepAt, String model, boolean named) {
        String budgetAt = chainAt + ".budget";
        String priceIt = stepAt + ".pricing.input and " + stepAt + ".pricing.output (US dollars per million tokens)";
        if (model == null) {
            return "Set " + stepAt + ".model-name to the model the bean calls (e.g. gpt-4o-mini; priced by Cascade's"
                    + " built-in catalogue or " + budgetAt + ".prices.<model-name>), or set " + priceIt
                    + ", or remove " + budgetAt + ".";
        }
        String pricesAt = budgetAt + ".prices" + (model.matches("[A-Za-z0-9-]+") ? "." + model : "[" + model + "]");
        return "Set " + pricesAt + ".input and " + pricesAt + ".output (US dollars per million tokens), or set "
                + priceIt + (named ? ", or correct " + stepAt + ".model-name" : "") + ".";
    }

    private static ReviewPolicy reviewPolicy(String at, CascadeProperties.ReviewStep p) {
        if (p == null) {
            return ReviewPolicy.DEFAULT;
        }
        ReviewPolicy.Builder b = ReviewPolicy.builder().priority(p.getPriority());
        if (p.getSla() != null) {
            b.sla(positive(at + ".sla", p.getSla()));
        }
        ReviewPolicy.Breach breach = p.getOnBreach() == null ? ReviewPolicy.Breach.ESCALATE : p.getOnBreach();
        b.onBreach(breach);
        if (p.getDefaultAnswer() != null) {
            b.defaultAnswer(p.getDefaultAnswer());
        }
        if (breach == ReviewPolicy.Breach.EXPIRE && p.getSla() == null) {
            throw new CascadeConfigurationException(at + ".sla", "on-breach is expire but no SLA is set",
                    "Set " + at + ".sla (e.g. 4h), or remove on-breach.");
        }
        return b.build();
    }

    private static Function<String, ModelRequest> prompt(String system, Integer maxTokens) {
        return in -> {
            ModelRequest r = system == null ? ModelRequest.of(in) : ModelRequest.of(system, in);
            return maxTokens == null ? r : r.withMaxOutputTokens(maxTokens);
        };
    }

    private static String kindOf(String at, CascadeProperties.Step s) {
        List<String> set = new ArrayList<>();
        if (s.getModel() != null) {
            set.add("model");
        }
        if (s.getRules() != null) {
            set.add("rules");
        }
        if (s.getBean() != null) {
            set.add("bean");
        }
        if (s.isHumanReview()) {
            set.add("human-review");
        }
        if (set.size() != 1) {
            throw new CascadeConfigurationException(at, set.isEmpty() ? "the step says neither what it is"
                    : "the step sets " + String.join(" and ", set) + ", but a step is exactly one thing",
                    "Set exactly one of " + at + ".model (a ChatModel or ModelClient bean), " + at + ".rules, "
                            + at + ".bean (a Function<String, Optional<String>> bean) or " + at
                            + ".human-review: true.");
        }
        return set.get(0);
    }

    private static void rejectModelOptions(String at, CascadeProperties.Step s) {
        String[][] options = {
            {"timeout", s.getTimeout() == null ? null : "x"}, {"retry", s.getRetry() == null ? null : "x"},
            {"circuit-breaker", s.getCircuitBreaker() == null ? null : "x"},
            {"rate-limit", s.getRateLimit() == null ? null : "x"},
            {"bulkhead", s.getBulkhead() == null ? null : "x"},
            {"max-output-tokens", s.getMaxOutputTokens() == null ? null : "x"},
            {"accept", s.getAccept()}, {"resource-name", s.getResourceName()},
            {"model-name", s.getModelName()}, {"pricing", s.getPricing() == null ? null : "x"},
            {"template", s.getTemplate()}};
        for (String[] o : options) {
            if (o[1] != null) {
                throw new CascadeConfigurationException(at + "." + o[0], o[0] + " applies to model steps only",
                        "Remove " + at + "." + o[0] + ", or make the step a model step.");
            }
        }
    }

    private ModelClient modelStep(CascadeBuilder<String, String> b, String at, String stepName,
                                  CascadeProperties.Step s, String system, Integer chainMaxTokens) {
        ModelClient client = models.resolve(s.getModel()).orElseThrow(() -> new CascadeConfigurationException(
                at + ".model", "there is no ChatModel or ModelClient bean named '" + s.getModel() + "'",
                "Set " + at + ".model to one of the model beans in the context " + models.candidates()
                        + ", or define a ChatModel or ModelClient bean named '" + s.getModel() + "'."));
        Integer maxTokens = positiveOrNull(at + ".max-output-tokens", s.getMaxOutputTokens());
        Duration timeout = s.getTimeout();
        @SuppressWarnings("unchecked")
        Predicate<? super String> accept = s.getAccept() == null ? null
                : bean(at + ".accept", s.getAccept(), GATE, "Predicate<String>");
        CascadeProperties.RetryProps r = s.getRetry();
        CascadeProperties.CircuitBreakerProps cb = s.getCircuitBreaker();
        CascadeProperties.RateLimitProps rl = s.getRateLimit();
        if (cb != null && (cb.getSlowCallThreshold() == null) != (cb.getSlowCallRateThreshold() == null)) {
            throw new CascadeConfigurationException(at + ".circuit-breaker.slow-call-threshold",
                    "slow-call-threshold and slow-call-rate-threshold go together; only one is set",
                    "Set both " + at + ".circuit-breaker.slow-call-threshold and slow-call-rate-threshold, or neither.");
        }
        if (s.getModelName() != null && s.getModelName().isBlank()) {
            throw new CascadeConfigurationException(at + ".model-name", "is blank",
                    "Set " + at + ".model-name to the model the bean calls (e.g. gpt-4o-mini), or remove it.");
        }
        Pricing pricing = s.getPricing() == null ? null : pricing(at + ".pricing", s.getPricing());
        if (rl != null && (rl.getPermits() == null || rl.getPeriod() == null)) {
            throw new CascadeConfigurationException(at + ".rate-limit", "a rate limit needs permits and period",
                    "Set " + at + ".rate-limit.permits (e.g. 50) and " + at + ".rate-limit.period (e.g. 1s).");
        }
        b.model(stepName, client, spec -> {
                if (timeout != null) {
                    spec.timeout(timeout);
                }
                if (maxTokens != null && !maxTokens.equals(chainMaxTokens)) {
                    spec.prompt(prompt(system, maxTokens));
                }
                if (accept != null) {
                    spec.accept(accept);
                }
                if (s.getResourceName() != null) {
                    spec.resourceName(s.getResourceName());
                }
                if (s.getModelName() != null) {
                    spec.modelName(s.getModelName().trim());
                }
                if (pricing != null) {
                    spec.pricing(pricing);
                }
                if (s.getTemplate() != null) {
                    spec.template(s.getTemplate().trim());
                }
                if (r != null) {
                    spec.retry(x -> {
                        set(r.getMaxAttempts(), x::maxAttempts);
                        set(r.getInitialBackoff(), x::initialBackoff);
                        set(r.getMultiplier(), x::multiplier);
                        set(r.getMaxBackoff(), x::maxBackoff);
                        set(r.getJitter(), x::jitter);
                        set(r.getMaxRetryAfter(), x::maxRetryAfter);
                    });
                }
                if (cb != null) {
                    spec.circuitBreaker(x -> {
                        set(cb.getFailureRateThreshold(), x::failureRateThreshold);
                        set(cb.getSlidingWindowSize(), x::slidingWindowSize);
                        set(cb.getMinimumCalls(), x::minimumCalls);
                        set(cb.getOpenFor(), x::openFor);
                        set(cb.getHalfOpenCalls(), x::halfOpenCalls);
                        set(cb.getHalfOpenMaxWait(), x::halfOpenMaxWait);
                        if (cb.getSlowCallThreshold() != null) {
                            x.slowCalls(cb.getSlowCallThreshold(), cb.getSlowCallRateThreshold());
                        }
                    });
                }
                if (rl != null) {
                    spec.rateLimit(x -> x.permits(rl.getPermits()).period(rl.getPeriod()));
                }
                if (s.getBulkhead() != null) {
                    spec.bulkhead(x -> set(s.getBulkhead().getMaxConcurrentCalls(), x::maxConcurrentCalls));
                }
            });
        return client;
    }

    /** A ShadowComparator<String>: how a shadow candidate's answer is scored. */
    private static final ResolvableType COMPARATOR = ResolvableType.forClassWithGenerics(ShadowComparator.class,
            String.class);

    /** The chain's shadow candidate; the core checks the ranges (its paths become {@code <at>.share}, ...). */
    private void shadow(CascadeBuilder<String, String> b, String at, CascadeProperties.Shadow p) {
        if (p.getModel() == null || p.getModel().isBlank()) {
            throw new CascadeConfigurationException(at + ".model", "a shadow candidate needs a model",
                    "Set " + at + ".model to a ChatModel or ModelClient bean " + models.candidates() + ", or remove "
                            + at + ".");
        }
        ModelClient client = models.resolve(p.getModel()).orElseThrow(() -> new CascadeConfigurationException(
                at + ".model", "there is no ChatModel or ModelClient bean named '" + p.getModel() + "'",
                "Set " + at + ".model to one of the model beans in the context " + models.candidates() + "."));
        String name = p.getName() != null && !p.getName().isBlank() ? p.getName().trim() : p.getModel();
        ShadowComparator<String> comparator = p.getComparator() == null ? null
                : bean(at + ".comparator", p.getComparator(), COMPARATOR, "ShadowComparator<String>");
        Pricing pricing = p.getPricing() == null ? null : pricing(at + ".pricing", p.getPricing());
        CascadeProperties.RateLimitProps rl = p.getRateLimit();
        if (rl != null && (rl.getPermits() == null || rl.getPeriod() == null)) {
            throw new CascadeConfigurationException(at + ".rate-limit", "a rate limit needs permits and period",
                    "Set " + at + ".rate-limit.permits (e.g. 10) and " + at + ".rate-limit.period (e.g. 1s).");
        }
        if (p.getModelName() != null && p.getModelName().isBlank()) {
            throw new CascadeConfigurationException(at + ".model-name", "is blank",
                    "Set " + at + ".model-name to the model the bean calls (e.g. gpt-4o-mini), or remove it.");
        }
        Budget budget = p.getPerDay() == null ? null
                : Budget.builder().perDay(usd(at + ".per-day", p.getPerDay())).build();
        b.shadow(name, client, s -> {
            set(p.getShare(), s::share);
            set(comparator, s::comparator);
            set(p.getAgreementThreshold(), s::agreementThreshold);
            set(p.getModelName() == null ? null : p.getModelName().trim(), s::modelName);
            set(pricing, s::pricing);
            set(budget, s::budget);
            if (rl != null) {
                s.rateLimit(rl.getPermits(), rl.getPeriod());
            }
            set(p.getQueueCapacity(), s::queueCapacity);
            set(p.getConcurrency(), s::concurrency);
            set(p.getTimeout(), s::timeout);
        });
    }

    private static <T> void set(T value, java.util.function.Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    private static RuleSet<String, String> rules(String at, List<CascadeProperties.RuleSpec> specs) {
        if (specs.isEmpty()) {
            throw new CascadeConfigurationException(at, "a rules step needs at least one rule",
                    "Add a rule under " + at + ", e.g. '- name: refund, keywords: [refund], answer: billing'.");
        }
        RuleSet.Builder<String, String> rules = RuleSet.firstMatch();
        for (int i = 0; i < specs.size(); i++) {
            String rat = at + "[" + i + "]";
            CascadeProperties.RuleSpec r = specs.get(i);
            String ruleName = r.getName() != null && !r.getName().isBlank() ? r.getName() : "rule-" + (i + 1);
            if (r.getAnswer() == null) {
                throw new CascadeConfigurationException(rat + ".answer", "rule '" + ruleName + "' has no answer",
                        "Set " + rat + ".answer to the text the chain answers when the rule matches.");
            }
            boolean hasKeywords = r.getKeywords() != null && !r.getKeywords().isEmpty();
            if (hasKeywords == (r.getRegex() != null)) {
                throw new CascadeConfigurationException(rat, "rule '" + ruleName + "' must set exactly one of"
                        + " keywords or regex", "Set " + rat + ".keywords (a list) or " + rat + ".regex.");
            }
            Predicate<String> when;
            if (hasKeywords) {
                List<String> words = r.getKeywords().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
                if (words.stream().anyMatch(String::isBlank)) {
                    throw new CascadeConfigurationException(rat + ".keywords", "a keyword is blank",
                            "Remove the blank entry from " + rat + ".keywords.");
                }
                when = in -> {
                    String text = in.toLowerCase(Locale.ROOT);
                    return words.stream().anyMatch(text::contains);
                };
            } else {
                Pattern pattern;
                try {
                    pattern = Pattern.compile(r.getRegex());
                } catch (PatternSyntaxException e) {
                    throw new CascadeConfigurationException(rat + ".regex", "'" + r.getRegex() + "' is not a valid"
                            + " regular expression: " + e.getDescription(), "Fix " + rat + ".regex (Java syntax).", e);
                }
                when = in -> pattern.matcher(in).find();
            }
            String answer = r.getAnswer();
            try {
                rules.rule(ruleName, when, in -> answer);
            } catch (dev.cascade.api.CascadeConfigurationException e) {
                // The rule set's path (rules[1].name) is relative to the step that holds it.
                String property = at.substring(0, at.length() - ".rules".length()) + "." + propertyPath(e.path());
                throw relocated(new CascadeConfigurationException(property, e.value(), e.problem(), "For "
                        + property + ": " + e.fix() + ".", e.getCause()), e);
            }
        }
        return rules.build();
    }

    private Budget budget(String at, CascadeProperties.ChainBudget p, Set<String> steps) {
        Budget.Builder b = Budget.builder().ledger(ledger);
        if (p.getPerRequest() != null) {
            b.perRequest(usd(at + ".per-request", p.getPerRequest()));
        }
        limit(b, at + ".per-hour", Scope.CHAIN, Window.HOUR, p.getPerHour(), false);
        limit(b, at + ".per-day", Scope.CHAIN, Window.DAY, p.getPerDay(), false);
        limit(b, at + ".per-month", Scope.CHAIN, Window.MONTH, p.getPerMonth(), false);
        limit(b, at + ".per-tenant-per-day", Scope.TENANT, Window.DAY, p.getPerTenantPerDay(), false);
        limit(b, at + ".soft-per-day", Scope.CHAIN, Window.DAY, p.getSoftPerDay(), true);
        if (p.getZone() != null) {
            try {
                b.zone(ZoneId.of(p.getZone()));
            } catch (DateTimeException e) {
                throw new CascadeConfigurationException(at + ".zone", "'" + p.getZone() + "' is not a time zone",
                        "Set " + at + ".zone to a zone id such as UTC or Europe/Berlin.", e);
            }
        }
        p.getHeadroom().forEach((step, usd) -> {
            if (!steps.contains(step)) {
                throw new CascadeConfigurationException(at + ".headroom." + step, "there is no step named '" + step
                        + "' in the chain", "Use one of the chain's step names " + new java.util.TreeSet<>(steps)
                        + " as the key under " + at + ".headroom.");
            }
            b.headroom(step, usd(at + ".headroom." + step, usd));
        });
        p.getPrices().forEach((model, price) -> b.price(model, pricing(at + ".prices." + model, price)));
        if (p.getDefaultMaxOutputTokens() != null) {
            b.defaultMaxOutputTokens(positiveOrNull(at + ".default-max-output-tokens", p.getDefaultMaxOutputTokens()));
        }
        return b.build();
    }

    private static Pricing pricing(String at, CascadeProperties.Price price) {
        if (price.getInput() == null || price.getOutput() == null) {
            throw new CascadeConfigurationException(at, "a price needs input and output",
                    "Set " + at + ".input and " + at + ".output in US dollars per million tokens.");
        }
        Pricing pricing = Pricing.perMillionTokens(usd(at + ".input", price.getInput(), true),
                usd(at + ".output", price.getOutput(), true));
        if (price.getCachedInput() != null) {
            pricing = pricing.withCachedInput(usd(at + ".cached-input", price.getCachedInput(), true));
        }
        return pricing;
    }

    private static void limit(Budget.Builder b, String at, Scope scope, Window window, BigDecimal usd, boolean soft) {
        if (usd == null) {
            return;
        }
        if (soft) {
            b.softLimit(scope, window, usd(at, usd));
        } else {
            b.limit(scope, window, usd(at, usd));
        }
    }

    private static String usd(String at, BigDecimal value) {
        return usd(at, value, false);
    }

    /** A dollar amount as the core expects it: positive (or zero for prices) and at most 6 decimals. */
    private static String usd(String at, BigDecimal value, boolean zeroAllowed) {
        String text = value.stripTrailingZeros().toPlainString();
        if (value.signum() < 0 || (!zeroAllowed && value.signum() == 0)) {
            throw new CascadeConfigurationException(at, "must be " + (zeroAllowed ? "zero or more" : "more than zero")
                    + " US dollars, was " + text, "Set " + at + " to a " + (zeroAllowed ? "non-negative" : "positive")
                    + " amount such as 20 or 0.05" + (zeroAllowed ? "." : ", or remove it for no limit."));
        }
        if (!DECIMALS.matcher(text).matches()) {
            throw new CascadeConfigurationException(at, "has more than 6 decimals (" + text + "); Cascade counts"
                    + " money in micro-dollars", "Round " + at + " to at most 6 decimals.");
        }
        return text;
    }

    private static void lastResort(CascadeBuilder<String, String> b, String at, CascadeProperties.LastResort p) {
        Double probes = p.getProbeOpenBreakers();
        b.lastResort(l -> {
            if (p.getWaitForRetryAfter() != null) {
                l.waitForRetryAfter(p.getWaitForRetryAfter());
            }
            if (p.getMaxWait() != null) {
                l.maxWait(p.getMaxWait());
            }
            if (probes != null) {
                l.probeOpenBreakers(probes);
            }
        });
    }

    private static Duration positive(String at, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new CascadeConfigurationException(at, "must be longer than zero, was " + d,
                    "Set " + at + " to a positive duration such as 500ms or 10s, or remove it.");
        }
        return d;
    }

    private static Integer positiveOrNull(String at, Integer n) {
        if (n != null && n <= 0) {
            throw new CascadeConfigurationException(at, "must be more than zero, was " + n,
                    "Set " + at + " to a positive number, or remove it.");
        }
        return n;
    }

    private static void onFailure(CascadeBuilder<String, String> b, String at, String key,
                                  CascadeProperties.OnFailure change) {
        FailureKind kind;
        try {
            kind = FailureKind.valueOf(key.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new CascadeConfigurationException(at, "'" + key + "' is not a failure kind",
                    "Use one of " + java.util.Arrays.stream(FailureKind.values())
                            .map(k -> k.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList() + ".", e);
        }
        b.onFailure(kind, p -> {
            var q = p;
            if (change.getRetry() != null) {
                q = q.withRetry(change.getRetry());
            }
            if (change.getFallToModels() != null) {
                q = q.withFallToModels(change.getFallToModels());
            }
            if (change.getCountsForBreaker() != null) {
                q = q.withCountsForBreaker(change.getCountsForBreaker());
            }
            if (change.getAlert() != null) {
                q = q.withAlert(change.getAlert());
            }
            return q;
        });
    }

    /** The JDBC cache store every chain with {@code cache.store: jdbc} shares; made on first use. */
    private dev.cascade.cache.JdbcCacheStore<String> jdbcCache;

    /**
     * The chain's response cache. Option values are checked by the core (its errors come out at the property, e.g.
     * {@code cache.similarity-threshold}); beans and the store here.
     */
    @SuppressWarnings("unchecked")
    private void cache(CascadeBuilder<String, String> b, String at, CascadeProperties.ChainCache p) {
        Integer maxEntryBytes = null;
        if (p.getMaxEntrySize() != null) {
            long bytes = p.getMaxEntrySize().toBytes();
            if (bytes < 1 || bytes > Integer.MAX_VALUE) {
                throw new CascadeConfigurationException(at + ".max-entry-size", p.getMaxEntrySize(), "must be from 1B"
                        + " to 2GB, was " + p.getMaxEntrySize(), "Set " + at + ".max-entry-size to a size such as"
                        + " 64KB.", null);
            }
            maxEntryBytes = (int) bytes;
        }
        dev.cascade.cache.CacheStore<String> store = switch (p.getStore() == null ? "bean" : p.getStore().name()) {
            case "MEMORY" -> null;
            case "JDBC" -> jdbcCacheStore(at, p);
            default -> beans.getBeanProvider(dev.cascade.cache.CacheStore.class).getIfUnique();
        };
        dev.cascade.cache.EmbeddingModel embeddings = p.getEmbeddingModel() != null
                ? bean(at + ".embedding-model", p.getEmbeddingModel(),
                        ResolvableType.forClass(dev.cascade.cache.EmbeddingModel.class), "EmbeddingModel")
                : beans.getBeanProvider(dev.cascade.cache.EmbeddingModel.class).getIfUnique();
        dev.cascade.cache.MatchGuard guard = p.getGuard() != null
                ? bean(at + ".guard", p.getGuard(), ResolvableType.forClass(dev.cascade.cache.MatchGuard.class),
                        "MatchGuard")
                : beans.getBeanProvider(dev.cascade.cache.MatchGuard.class).getIfUnique();
        Integer bytes = maxEntryBytes;
        b.cache(c -> {
            set(p.getNamespace(), c::namespace);
            set(p.getTtl(), c::ttl);
            set(p.getMaxEntries(), c::maxEntries);
            set(bytes, c::maxEntryBytes);
            set(p.getSimilarityThreshold(), c::similarityThreshold);
            set(p.getSemanticScanLimit(), c::semanticScanLimit);
            set(p.getCacheReviewedAnswers(), c::cacheReviewedAnswers);
            set(store, c::store);
            set(embeddings, c::embeddingModel);
            set(guard, c::guard);
        });
    }

    private dev.cascade.cache.JdbcCacheStore<String> jdbcCacheStore(String at, CascadeProperties.ChainCache p) {
        if (jdbcCache == null) {
            javax.sql.DataSource ds = beans.getBeanProvider(javax.sql.DataSource.class).getIfUnique();
            if (ds == null) {
                throw new CascadeConfigurationException(at + ".store", "is jdbc, but the application has no single"
                        + " DataSource bean", "Configure a DataSource (spring.datasource.url ...), or set " + at
                        + ".store to memory.");
            }
            jdbcCache = dev.cascade.cache.JdbcCacheStore.create(ds, dev.cascade.cache.CacheCodec.strings());
        }
        if (!Boolean.FALSE.equals(p.getCreateSchema())) {
            jdbcCache.createSchema();
        }
        return jdbcCache;
    }

    /** A Predicate<String>: an accept gate. */
    private static final ResolvableType GATE = ResolvableType.forClassWithGenerics(Predicate.class, String.class);
    /** A Function<String, String>: a router. */
    private static final ResolvableType ROUTER = ResolvableType.forClassWithGenerics(Function.class, String.class,
            String.class);
    /** A Function<String, Optional<String>>: a custom step. */
    private static final ResolvableType CUSTOM = ResolvableType.forClassWithGenerics(Function.class,
            ResolvableType.forClass(String.class), ResolvableType.forClassWithGenerics(Optional.class, String.class));

    /**
     * The bean {@code name}, checked against {@code type} including its generics where the bean's declaration tells
     * them (a {@code @Bean} method's return type), so a router named where a custom step belongs fails at startup,
     * not at the first call. A bean whose generics are unknown (a raw lambda) is taken at its word.
     */
    @SuppressWarnings("unchecked")
    private <T> T bean(String at, String name, ResolvableType type, String described) {
        if (!beans.containsBean(name)) {
            throw new CascadeConfigurationException(at, "there is no bean named '" + name + "'",
                    "Define a " + described + " bean named '" + name + "', or set " + at + " to the name of one "
                            + "(candidates: " + new java.util.TreeSet<>(List.of(beans.getBeanNamesForType(type)))
                            + ").");
        }
        if (!beans.isTypeMatch(name, type)) {
            throw new CascadeConfigurationException(at, "bean '" + name + "' is a " + beans.getType(name)
                    + ", not a " + described, "Point " + at + " at a " + described + " bean.");
        }
        return (T) beans.getBean(name);
    }
}
