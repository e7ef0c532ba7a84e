package dev.cascade.internal;

import dev.cascade.api.CallContext;
import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Money;
import dev.cascade.api.Pricing;
import dev.cascade.event.ExecutionInfo;
import dev.cascade.spi.AttemptInterceptor;
import dev.cascade.spi.AttemptResult;
import dev.cascade.spi.FailureClassifier.Classification;
import dev.cascade.spi.ModelClient;

import java.util.Objects;

/**
 * One attempt passing through a step's {@link AttemptInterceptor}s to its {@link TimedCallStage}: the seam's
 * {@link AttemptInterceptor.Invocation}. One per attempt, used on the execution's thread only. Enforces the contract
 * (proceed at most once per interceptor, refuse only before proceeding) and turns what an interceptor throws or
 * returns wrongly into a classified failure, so every interceptor sees a result from {@code proceed}, never an
 * exception.
 */
final class AttemptChain<I, O> implements AttemptInterceptor.Invocation {
    private final ChainConfig<I, O> chain;
    private final StepDef.Model<I, O> step;
    private final AttemptInterceptor[] interceptors;
    private final TimedCallStage<I, O> call;
    private final Execution<I, O> x;
    private ModelRequest request;
    /** The interceptor {@link #proceed} runs next. */
    private int next;
    /** Bit i: interceptor i called proceed. */
    private long proceeded;
    /** What the call itself returned, once made. */
    private AttemptResult callResult;

    AttemptChain(ChainConfig<I, O> chain, StepDef.Model<I, O> step, AttemptInterceptor[] interceptors,
                 TimedCallStage<I, O> call, Execution<I, O> x, ModelRequest request) {
        this.chain = chain;
        this.step = step;
        this.interceptors = interceptors;
        this.call = call;
        this.x = x;
        this.request = request;
    }

    /** Runs the whole chain of interceptors; the attempt's result. */
    AttemptResult run() {
        return run(0);
    }

    /** The call's own result when it was made (its still-running handle must be armed), else {@code null}. */
    AttemptResult callResult() {
        return callResult;
    }

    private AttemptResult run(int i) {
        if (i == interceptors.length) {
            ModelResponse response = call.call(x, request);
            callResult = response != null ? AttemptResult.ofCall(response) : x.result;
            return callResult;
        }
        AttemptInterceptor interceptor = interceptors[i];
        next = i + 1;
        ModelRequest asked = request;
        AttemptResult r;
        try {
            r = interceptor.intercept(this);
            if (r == null) {
                r = failure(new IllegalStateException("attempt interceptor " + interceptor + " returned null"));
            } else if (r.kind() == AttemptResult.Kind.REFUSED && (proceeded & (1L << i)) != 0) {
                r = failure(new IllegalStateException("attempt interceptor " + interceptor + " refused ("
                        + r.failure() + ": " + r.reason() + ") after calling proceed(); refuse before proceeding"));
            } else if (r.kind() == AttemptResult.Kind.FAILED && r.failure() == null) {
                r = classify(r);
            }
        } catch (Throwable e) {
            Failures.rethrowFatal(e);
            r = failure(e);
        } finally {
            next = i;
            request = asked;
        }
        return r;
    }

    @Override
    public AttemptResult proceed(ModelRequest request) {
        int i = next;
        long bit = 1L << (i - 1);
        if ((proceeded & bit) != 0) {
            throw new IllegalStateException("attempt interceptor " + interceptors[i - 1]
                    + " called proceed() twice; call it at most once per attempt");
        }
        proceeded |= bit;
        this.request = Objects.requireNonNull(request, "proceed(request): request must not be null");
        return run(i);
    }

    /** An interceptor's exception as the attempt's failure; what the call reported, if it was made, is kept. */
    private AttemptResult failure(Throwable e) {
        Classification c = classification(e);
        AttemptResult made = callResult;
        String reason = Failures.describe(e);
        return made == null
                ? AttemptResult.ofFailedCall(e, c.kind(), c.retryAfter(), reason, false, false, null, null)
                : AttemptResult.ofFailedCall(e, c.kind(), c.retryAfter(), reason, made.called(), made.requestSent(),
                made.billed(), made.stillRunning());
    }

    private AttemptResult classify(AttemptResult r) {
        Classification c = classification(r.error());
        return r.classified(c.kind(), c.retryAfter());
    }

    private Classification classification(Throwable e) {
        return TimedCallStage.isCancellation(x, e) ? Classification.of(FailureKind.CANCELLED)
                : TimedCallStage.classify(chain, e);
    }

    @Override
    public String chain() {
        return chain.name();
    }

    @Override
    public String step() {
        return step.name();
    }

    @Override
    public String executionId() {
        return x.id();
    }

    @Override
    public int attempt() {
        return x.attemptNumber;
    }

    @Override
    public ModelClient client() {
        return step.client();
    }

    @Override
    public String model() {
        return step.model();
    }

    @Override
    public Pricing pricing() {
        return step.pricing();
    }

    @Override
    public CallContext context() {
        return x.context;
    }

    @Override
    public Money spent() {
        return x.spent();
    }

    @Override
    public ModelRequest request() {
        return request;
    }

    @Override
    public String circuitState() {
        return x.permitHeld ? step.breaker().getState().name() : null;
    }

    @Override
    public ExecutionInfo execution() {
        return x.info;
    }

    @Override
    public String toString() {
        return "Invocation[" + chain.name() + "/" + step.name() + " attempt " + x.attemptNumber + "]";
    }
}
