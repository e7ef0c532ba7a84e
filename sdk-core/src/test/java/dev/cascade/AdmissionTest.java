package dev.cascade;

import dev.cascade.api.Attempt;
import dev.cascade.api.Attempt.Status;
import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.FailurePolicy;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Outcome;
import dev.cascade.api.Usage;
import dev.cascade.event.Alert;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.StepAdmission;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The admission hook (where budgets plug in): asked before each model call after the breaker and the limiter; a
 * refusal skips the step; every admitted ticket is settled exactly once, with what the call really used.
 */
class AdmissionTest {

    /** One settle call. */
    record Settlement(String step, int attempt, Usage usage, FailureKind failure) {
    }

    /**
     * An admission that records every request and settlement. {@code decide} returns null to admit, or the refusal
     * ticket to hand back.
     */
    static final class Ledger implements StepAdmission {
        private final Function<Request, Ticket> decide;
        final List<Request> requests = new ArrayList<>();
        final List<Settlement> settlements = new ArrayList<>();
        /** Per admitted ticket, how many times it was settled. */
        final List<AtomicInteger> settlesPerTicket = new ArrayList<>();

        Ledger(Function<Request, Ticket> decide) {
            this.decide = decide;
        }

        Ledger() {
            this(r -> null);
        }

        @Override
        public synchronized Ticket admit(Request request) {
            requests.add(request);
            Ticket refusal = decide.apply(request);
            if (refusal != null) {
                return refusal;
            }
            AtomicInteger settles = new AtomicInteger();
            settlesPerTicket.add(settles);
            return new Ticket() {
                @Override
                public boolean admitted() {
                    return true;
                }

                @Override
                public void settle(Usage usage, FailureKind failure) {
                    settles.incrementAndGet();
                    synchronized (Ledger.this) {
                        settlements.add(new Settlement(request.step(), request.attempt(), usage, failure));
                    }
                }
            };
        }

        synchronized List<String> askedFor() {
            return requests.stream().map(Request::step).toList();
        }
    }

    private final VirtualTime time = new VirtualTime();
    private final ScriptedModel cheap = ScriptedModel.answering("gpt-small", "small answer");

    private CascadeBuilder<String, String> base(StepAdmission admission) {
        return Cascade.<String, String>builder("budgeted")
                .prompt(ModelRequest::of)
                .parse(ModelResponse::text)
                .timeSource(time)
                .jitter(() -> 0.5)
                .admission(admission);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRefusalSkipsTheStepWithItsKindAndReasonAndTheNextStepAnswers(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Ledger ledger = new Ledger(r -> r.step().equals("advanced")
                ? StepAdmission.refuse(FailureKind.OVER_BUDGET, "tenant 'acme' is over its daily budget") : null);
        Cascade<String, String> chain = base(ledger).model("advanced", advanced).model("cheap", cheap).build();

        Outcome<String> out = entry.run(chain, "q");

        assertThat(advanced.calls()).isZero();
        assertThat(out.answeredBy()).contains("cheap");
        Attempt skip = out.attempts().get(0);
        assertThat(skip.step()).isEqualTo("advanced");
        assertThat(skip.status()).isEqualTo(Status.SKIPPED);
        assertThat(skip.failure()).isEqualTo(FailureKind.OVER_BUDGET);
        assertThat(skip.reason()).isEqualTo("tenant 'acme' is over its daily budget");
        assertThat(skip.calledModel()).isFalse();
        // A refused ticket is never settled; the admitted one for cheap is, once.
        assertThat(ledger.settlements).extracting(Settlement::step).containsExactly("cheap");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRefusalWithDefaultsIsOverBudgetWithAGenericReason(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        StepAdmission.Ticket refused = () -> false;
        Cascade<String, String> chain = base(r -> r.step().equals("advanced") ? refused : StepAdmission.ADMITTED)
                .model("advanced", advanced).model("cheap", cheap).build();

        Attempt skip = entry.run(chain, "q").attempts().get(0);

        assertThat(skip.failure()).isEqualTo(FailureKind.OVER_BUDGET);
        assertThat(skip.reason()).isEqualTo("refused by admission");
        assertThat(advanced.calls()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void theAdmissionIsToldWhatIsAboutToBeCalled(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Ledger ledger = new Ledger();
        Cascade<String, String> chain = base(ledger)
                .model("advanced", advanced, s -> s.maxOutputTokens(256))
                .build();
        CallContext context = CallContext.empty().withTenant("acme");

        Outcome<String> out = entry.run(chain, "how do I reset my password?", context);

        assertThat(ledger.requests).singleElement().satisfies(r -> {
            assertThat(r.chain()).isEqualTo("budgeted");
            assertThat(r.step()).isEqualTo("advanced");
            assertThat(r.executionId()).isEqualTo(out.executionId());
            assertThat(r.attempt()).isEqualTo(1);
            assertThat(r.client()).isSameAs(advanced);
            assertThat(r.request().user()).isEqualTo("how do I reset my password?");
            assertThat(r.request().maxOutputTokens()).hasValue(256); // the worst case a budget reserves
            assertThat(r.context().tenant()).contains("acme");
        });
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void anAnsweredCallIsSettledOnceWithTheReportedUsage(Scenarios.Entry entry) {
        Ledger ledger = new Ledger();
        Cascade<String, String> chain = base(ledger)
                .model("advanced", ScriptedModel.answering("gpt-big", "big answer"))
                .build();

        entry.run(chain, "q");

        assertThat(ledger.settlements).containsExactly(new Settlement("advanced", 1, Usage.of(10, 5), null));
        assertThat(ledger.settlesPerTicket).extracting(AtomicInteger::get).containsExactly(1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRejectedAnswerIsStillSettledWithItsUsageBecauseTheTokensWereSpent(Scenarios.Entry entry) {
        Ledger ledger = new Ledger();
        Cascade<String, String> chain = base(ledger)
                .accept(answer -> false)
                .model("advanced", ScriptedModel.answering("gpt-big", "not good enough"))
                .model("cheap", ScriptedModel.answering("gpt-small", "also refused"))
                .build();

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.attempts()).extracting(Attempt::status).containsExactly(Status.REJECTED, Status.REJECTED);
        assertThat(ledger.settlements).containsExactly(
                new Settlement("advanced", 1, Usage.of(10, 5), null),
                new Settlement("cheap", 1, Usage.of(10, 5), null));
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aFailedCallIsSettledOnceWithNoUsageAndTheFailureKind(Scenarios.Entry entry) {
        Ledger ledger = new Ledger();
        Cascade<String, String> chain = base(ledger)
                .model("advanced", ScriptedModel.failing("gpt-big", new ModelCallException(FailureKind.AUTH, "401")))
                .model("cheap", cheap)
                .build();

        entry.run(chain, "q");

        assertThat(ledger.settlements).containsExactly(
                new Settlement("advanced", 1, Usage.NONE, FailureKind.AUTH),
                new Settlement("cheap", 1, Usage.of(10, 5), null));
        assertThat(ledger.settlesPerTicket).extracting(AtomicInteger::get).containsExactly(1, 1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aCallThatTimesOutIsSettledOnceAsTimeout(Scenarios.Entry entry) {
        ScriptedModel hanging = new ScriptedModel("gpt-big").then(r -> {
            time.sleep(Duration.ofMinutes(10).toNanos());
            return ModelResponse.of("too late", Usage.of(10, 5));
        });
        Ledger ledger = new Ledger();
        Cascade<String, String> chain = base(ledger)
                .model("advanced", hanging, s -> s.timeout(Duration.ofSeconds(2)))
                .model("cheap", cheap)
                .build();

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.TIMEOUT);
        assertThat(time.elapsed()).isEqualTo(Duration.ofSeconds(2)); // freed exactly at the timeout
        assertThat(ledger.settlements).containsExactly(
                new Settlement("advanced", 1, Usage.NONE, FailureKind.TIMEOUT),
                new Settlement("cheap", 1, Usage.of(10, 5), null));
        assertThat(ledger.settlesPerTicket).extracting(AtomicInteger::get).containsExactly(1, 1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void eachRetryIsAdmittedAndSettledOnItsOwn(Scenarios.Entry entry) {
        ScriptedModel flaky = new ScriptedModel("gpt-big")
                .thenThrow(new ModelCallException(FailureKind.UNAVAILABLE, "503"))
                .thenThrow(new ModelCallException(FailureKind.UNAVAILABLE, "503"))
                .thenAnswer("third time lucky");
        Ledger ledger = new Ledger();
        Cascade<String, String> chain = base(ledger)
                .model("advanced", flaky, s -> s.retry(r -> r.maxAttempts(3).initialBackoff(Duration.ofMillis(50))))
                .build();

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.answer()).contains("third time lucky");
        assertThat(ledger.requests).extracting(StepAdmission.Request::attempt).containsExactly(1, 2, 3);
        assertThat(ledger.settlements).extracting(Settlement::attempt, Settlement::usage, Settlement::failure)
                .containsExactly(
                        tuple(1, Usage.NONE, FailureKind.UNAVAILABLE),
                        tuple(2, Usage.NONE, FailureKind.UNAVAILABLE),
                        tuple(3, Usage.of(10, 5), null));
        assertThat(ledger.settlesPerTicket).extracting(AtomicInteger::get).containsExactly(1, 1, 1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void anOpenBreakerSkipsTheStepBeforeAdmissionIsAsked(Scenarios.Entry entry) {
        ScriptedModel dead = ScriptedModel.failing("gpt-big", new ModelCallException(FailureKind.UNAVAILABLE, "503"));
        Ledger ledger = new Ledger();
        Cascade<String, String> chain = base(ledger)
                .model("advanced", dead, s -> s.circuitBreaker(cb -> cb.slidingWindowSize(1).minimumCalls(1)
                        .failureRateThreshold(100)))
                .model("cheap", cheap)
                .build();
        entry.run(chain, "opens the breaker");
        assertThat(ledger.askedFor()).containsExactly("advanced", "cheap");

        Outcome<String> out = entry.run(chain, "breaker open");

        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.CIRCUIT_OPEN);
        assertThat(ledger.askedFor()).containsExactly("advanced", "cheap", "cheap");
        assertThat(dead.calls()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aStepWithoutARateLimitPermitIsSkippedBeforeAdmissionIsAsked(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Ledger ledger = new Ledger();
        Cascade<String, String> chain = base(ledger)
                .model("advanced", advanced, s -> s.rateLimit(r -> r.permits(1).period(Duration.ofHours(1))))
                .model("cheap", cheap)
                .build();
        entry.run(chain, "spends the permit");

        Outcome<String> out = entry.run(chain, "no permit");

        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.NO_PERMIT);
        assertThat(ledger.askedFor()).containsExactly("advanced", "cheap");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void anAdmissionThatThrowsRefusesTheStepAndTheChainStillAnswers(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Cascade<String, String> chain = base(r -> {
            if (r.step().equals("advanced")) {
                throw new IllegalStateException("budget store unreachable");
            }
            return StepAdmission.ADMITTED;
        }).model("advanced", advanced).model("cheap", cheap).build();

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(advanced.calls()).isZero();
        Attempt skip = out.attempts().get(0);
        assertThat(skip.status()).isEqualTo(Status.SKIPPED);
        assertThat(skip.failure()).isEqualTo(FailureKind.OVER_BUDGET);
        assertThat(skip.reason()).contains("admission threw").contains("budget store unreachable");
    }

    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void anAdmissionReturningNoTicketRefusesTheStep(Scenarios.Entry entry) {
        ScriptedModel advanced = ScriptedModel.answering("gpt-big", "big answer");
        Cascade<String, String> chain = base(r -> r.step().equals("advanced") ? null : StepAdmission.ADMITTED)
                .model("advanced", advanced).model("cheap", cheap).build();

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.answeredBy()).contains("cheap");
        assertThat(out.attempts().get(0).failure()).isEqualTo(FailureKind.OVER_BUDGET);
        assertThat(out.attempts().get(0).reason()).isEqualTo("admission returned null");
        assertThat(advanced.calls()).isZero();
    }

    /**
     * Every skipped attempt carries an admission kind (see {@link FailureKind}). A ticket whose {@code refusal()}
     * gives none must not produce a SKIPPED attempt without a reason kind.
     */
    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRefusalThatNamesNoKindIsStillRecordedWithAnAdmissionKind(Scenarios.Entry entry) {
        StepAdmission.Ticket sloppy = new StepAdmission.Ticket() {
            @Override
            public boolean admitted() {
                return false;
            }

            @Override
            public FailureKind refusal() {
                return null;
            }
        };
        Cascade<String, String> chain = base(r -> r.step().equals("advanced") ? sloppy : StepAdmission.ADMITTED)
                .model("advanced", ScriptedModel.answering("gpt-big", "big answer")).model("cheap", cheap).build();

        Attempt skip = entry.run(chain, "q").attempts().get(0);

        assertThat(skip.status()).isEqualTo(Status.SKIPPED);
        assertThat(skip.failure()).isNotNull();
        assertThat(skip.failure().isAdmission()).isTrue();
    }

    /**
     * {@code onFailure(OVER_BUDGET, p -> p.withAlert(true))} is accepted by the builder, and {@link FailurePolicy#alert}
     * says it raises an Alert: a budget refusing calls is exactly what operators want to hear about.
     */
    @ParameterizedTest
    @EnumSource(Scenarios.Entry.class)
    void aRefusalWhosePolicyAsksForAnAlertRaisesOne(Scenarios.Entry entry) {
        List<Alert> alerts = new ArrayList<>();
        Cascade<String, String> chain = base(r -> StepAdmission.refuse(FailureKind.OVER_BUDGET, "over budget"))
                .onFailure(FailureKind.OVER_BUDGET, p -> p.withAlert(true))
                .listener(new CascadeListener() {
                    @Override
                    public void onAlert(Alert event) {
                        synchronized (alerts) {
                            alerts.add(event);
                        }
                    }
                })
                .model("advanced", ScriptedModel.answering("gpt-big", "big answer"))
                .build();

        Outcome<String> out = entry.run(chain, "q");

        assertThat(out.attempts()).extracting(Attempt::failure).containsExactly(FailureKind.OVER_BUDGET);
        assertThat(alerts).extracting(Alert::step, Alert::kind).containsExactly(tuple("advanced", FailureKind.OVER_BUDGET));
    }
}
