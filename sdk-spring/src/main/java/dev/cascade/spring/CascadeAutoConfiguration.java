package dev.cascade.spring;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

import dev.cascade.CascadeRegistries;
import dev.cascade.budget.InMemoryBudgetLedger;
import dev.cascade.budget.JdbcBudgetLedger;
import dev.cascade.budget.LeasingBudgetLedger;
import dev.cascade.review.DurableReviewQueue;
import dev.cascade.review.InMemoryReviewStore;
import dev.cascade.review.JdbcReviewStore;
import dev.cascade.review.ReviewCodec;
import dev.cascade.review.ReviewStore;
import dev.cascade.spi.BudgetLedger;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.FailureClassifier;
import dev.cascade.spi.ModelClient;
import dev.cascade.telemetry.CascadeTelemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Cascade for Spring Boot: builds the chains under {@code cascade.chains} and registers each as a
 * {@code Cascade<String, String>} bean qualified by its name, plus a {@link CascadeChains} registry. Every bean here
 * backs off when the application defines its own of the same type.
 *
 * <p>Model steps name a bean: a Cascade {@link ModelClient}, or (with Spring AI on the classpath) any Spring AI
 * {@code ChatModel}, wrapped so that Cascade owns retries. Telemetry goes to the application's {@link OpenTelemetry}
 * bean (e.g. from Boot's OpenTelemetry starter), else to {@link GlobalOpenTelemetry}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "cascade.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CascadeProperties.class)
public class CascadeAutoConfiguration {

    static final String SPRING_AI_CHAT_MODEL = "org.springframework.ai.chat.model.ChatModel";

    /** Where breakers and rate limiters live; shared by all chains so steps naming one resource share them. */
    @Bean
    @ConditionalOnMissingBean
    public CascadeRegistries cascadeRegistries() {
        return CascadeRegistries.create();
    }

    /** The ledger every chain's budget books on: in memory, or on the application's DataSource. */
    @Bean
    @ConditionalOnMissingBean
    public BudgetLedger cascadeBudgetLedger(CascadeProperties properties, ObjectProvider<DataSource> dataSource,
                                            ObjectProvider<CascadeTelemetry> telemetry,
                                            ObjectProvider<OpenTelemetry> openTelemetry,
                                            ObjectProvider<CascadeMeters> meters) {
        CascadeProperties.LedgerType type = properties.getLedger().getType();
        if (type == CascadeProperties.LedgerType.MEMORY) {
            return new InMemoryBudgetLedger();
        }
        if (type == CascadeProperties.LedgerType.JDBC || type == CascadeProperties.LedgerType.JDBC_LEASED) {
            String name = type == CascadeProperties.LedgerType.JDBC ? "jdbc" : "jdbc-leased";
            DataSource ds = dataSource.getIfUnique();
            if (ds == null) {
                throw new CascadeConfigurationException("cascade.ledger.type", "is '" + name + "' but the application"
                        + " has no single DataSource bean", "Configure a DataSource (spring.datasource.url ...), or"
                        + " set cascade.ledger.type to memory.");
            }
            if (type == CascadeProperties.LedgerType.JDBC_LEASED) {
                CascadeTelemetry listener = telemetry.getIfAvailable();
                io.opentelemetry.api.metrics.Meter meter = null;
                if (listener != null) { // metrics and alerts go where the chains' telemetry goes
                    OpenTelemetry otel = openTelemetry.getIfUnique(GlobalOpenTelemetryReader::read);
                    CascadeMeters micrometer = meters.getIfAvailable();
                    meter = (micrometer != null ? micrometer.withMeters(otel) : otel).getMeter("dev.cascade");
                }
                LeasingBudgetLedger ledger = LeaseSettings.build(ds, properties.getLedger().getLease(), meter,
                        listener);
                if (properties.getLedger().isCreateSchema()) {
                    ledger.createSchema();
                }
                return ledger;
            }
            JdbcBudgetLedger ledger = new JdbcBudgetLedger(ds);
            if (properties.getLedger().isCreateSchema()) {
                ledger.createSchema();
            }
            return ledger;
        }
        throw new CascadeConfigurationException("cascade.ledger.type", "is not set", "Set cascade.ledger.type to"
                + " memory, jdbc or jdbc-leased.");
    }

    /**
     * Spans and metrics for every chain, through the application's OpenTelemetry bean when there is one, else
     * {@link GlobalOpenTelemetry} as it is when the context starts (the OpenTelemetry Java agent sets it before).
     * The global is never read with {@code get()}, which would fix it to a no-op and make the application's own later
     * {@code GlobalOpenTelemetry.set(...)} fail; and never with a method newer than the OpenTelemetry API Spring Boot
     * manages (1.55.0 in Boot 4.0.x), which would fail a Boot application at startup with NoSuchMethodError. See
     * {@link GlobalOpenTelemetryReader}.
     * Metrics go to the application's Micrometer registry instead when {@link CascadeMicrometerAutoConfiguration}
     * applies.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "cascade.telemetry.enabled", matchIfMissing = true)
    public CascadeTelemetry cascadeTelemetry(CascadeProperties properties, ObjectProvider<OpenTelemetry> openTelemetry,
                                             ObjectProvider<CascadeMeters> meters) {
        OpenTelemetry otel = openTelemetry.getIfUnique(GlobalOpenTelemetryReader::read);
        CascadeMeters micrometer = meters.getIfAvailable();
        if (micrometer != null) {
            otel = micrometer.withMeters(otel);
        }
        return CascadeTelemetry.builder(otel).captureContent(properties.getTelemetry().isCaptureContent()).build();
    }

    /**
     * Where human-review items live: in memory (default; lost on restart), or durable on the application's
     * DataSource ({@code cascade.review.store=jdbc}: PostgreSQL, or H2 as an embedded database).
     */
    @Bean
    @ConditionalOnMissingBean
    public ReviewStore cascadeReviewStore(CascadeProperties properties, ObjectProvider<DataSource> dataSource) {
        CascadeProperties.StoreType type = properties.getReview().getStore();
        if (type == CascadeProperties.StoreType.MEMORY) {
            return new InMemoryReviewStore();
        }
        if (type == CascadeProperties.StoreType.JDBC) {
            DataSource ds = dataSource.getIfUnique();
            if (ds == null) {
                throw new CascadeConfigurationException("cascade.review.store", "is 'jdbc' but the application has"
                        + " no single DataSource bean", "Configure a DataSource (spring.datasource.url ...), or set"
                        + " cascade.review.store to memory.");
            }
            JdbcReviewStore store = new JdbcReviewStore(ds);
            if (properties.getReview().isCreateSchema()) {
                store.createSchema();
            }
            return store;
        }
        throw new CascadeConfigurationException("cascade.review.store", "is not set", "Set cascade.review.store to"
                + " memory or jdbc.");
    }

    /**
     * Every chain under {@code cascade.chains}, built and checked at startup. Each human-review step gets a
     * {@link DurableReviewQueue} over the {@link ReviewStore}, polling at {@code cascade.review.poll-interval}; the
     * queues stop with the context.
     */
    @Bean
    @ConditionalOnMissingBean
    public CascadeChains cascadeChains(CascadeProperties properties, ListableBeanFactory beans,
                                       CascadeRegistries registries, BudgetLedger ledger, ReviewStore reviewStore,
                                       ObjectProvider<CascadeTelemetry> telemetry,
                                       ObjectProvider<CascadeListener> listeners,
                                       ObjectProvider<FailureClassifier> classifiers,
                                       ObjectProvider<CascadeChainCustomizer> customizers) {
        Duration poll = properties.getReview().getPollInterval();
        if (poll == null || poll.isNegative() || poll.isZero()) {
            throw new CascadeConfigurationException("cascade.review.poll-interval", "must be longer than zero, was "
                    + poll, "Set cascade.review.poll-interval to a duration such as 1s.");
        }
        CascadeTelemetry spans = telemetry.getIfUnique();
        ChainFactory.ReviewQueues queues = (chain, step, policy) -> {
            DurableReviewQueue<String, String> q = DurableReviewQueue
                    .builder(reviewStore, ReviewCodec.strings(), ReviewCodec.strings())
                    .policy(policy).pollInterval(poll).chain(chain).build();
            if (spans != null) {
                q.onDecision(spans::recordReviewDecision);
            }
            return q;
        };
        ChainFactory factory = new ChainFactory(beans, new BeanModels(beans), queues, registries, ledger,
                listeners.orderedStream().toList(), classifiers.orderedStream().toList(),
                customizers.orderedStream().toList());
        return factory.buildAll(properties.getChains());
    }

    /**
     * Stops startup on a key under {@code cascade.} that is not a setting (a misspelling Spring would ignore), naming
     * the key, its file and line, and the nearest valid key. See {@link UnknownKeysCheck}.
     */
    @Bean
    static UnknownKeysCheck cascadeUnknownKeysCheck() {
        return new UnknownKeysCheck();
    }

    /**
     * Warms up every chain's model clients once all singletons exist ({@link dev.cascade.Cascade#warmUp()}), waiting at
     * most {@code cascade.warm-up.timeout}. On unless {@code cascade.warm-up.enabled=false}.
     */
    @Bean
    @ConditionalOnBooleanProperty(name = "cascade.warm-up.enabled", matchIfMissing = true)
    public CascadeWarmUp cascadeWarmUp(CascadeChains chains, CascadeProperties properties) {
        Duration timeout = properties.getWarmUp().getTimeout();
        if (timeout == null || timeout.isNegative()) {
            throw new CascadeConfigurationException("cascade.warm-up.timeout", "must be zero or longer, was "
                    + timeout, "Set cascade.warm-up.timeout to a duration such as 10s.");
        }
        return new CascadeWarmUp(chains, timeout);
    }

    /** Registers one {@code Cascade<String, String>} bean per chain, qualified by the chain's name. */
    @Bean
    public static CascadeChainRegistrar cascadeChainRegistrar() {
        return new CascadeChainRegistrar();
    }

    /** Model beans by name: Cascade ModelClients as they are, Spring AI ChatModels wrapped. */
    static final class BeanModels implements ChainFactory.ModelResolver {

        private final ListableBeanFactory beans;
        private final boolean springAi;

        BeanModels(ListableBeanFactory beans) {
            this.beans = beans;
            this.springAi = ClassUtils.isPresent(SPRING_AI_CHAT_MODEL, BeanModels.class.getClassLoader());
        }

        @Override
        public Optional<ModelClient> resolve(String name) {
            if (!beans.containsBean(name)) {
                return Optional.empty();
            }
            Object bean = beans.getBean(name);
            if (bean instanceof ModelClient client) {
                return Optional.of(client);
            }
            if (springAi && SpringAiModels.isChatModel(bean)) {
                return Optional.of(SpringAiModels.wrap(name, bean));
            }
            return Optional.empty();
        }

        @Override
        public Set<String> candidates() {
            Set<String> names = new TreeSet<>(List.of(beans.getBeanNamesForType(ModelClient.class)));
            if (springAi) {
                names.addAll(SpringAiModels.chatModelNames(beans));
            }
            return names;
        }
    }
}
