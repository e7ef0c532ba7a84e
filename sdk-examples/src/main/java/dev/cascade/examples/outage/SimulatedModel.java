package dev.cascade.examples.outage;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.spi.ModelCallException;
import dev.cascade.spi.ModelClient;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * A provider simulated in-process: it answers after a lognormal latency, and follows its {@link FaultScript} on the
 * shared {@link Timeline}. It behaves like an HTTP client with a read timeout:
 * <ul>
 *   <li>a hanging call (or one whose latency would exceed the read timeout) blocks until the read timeout, then throws
 *       {@link SocketTimeoutException};</li>
 *   <li>a rate-limited call throws {@link ModelCallException#rateLimited} at once, with a Retry-After;</li>
 *   <li>an interrupted call stops at once with {@link InterruptedIOException}, keeping the interrupt flag set.</li>
 * </ul>
 * Token usage is reported from the request's length and a random answer length (80 to 240 tokens, never more than
 * the request's max output tokens). Thread-safe.
 */
public final class SimulatedModel implements ModelClient {
    private final String id;
    private final String modelName;
    private final LatencyProfile latency;
    private final FaultScript faults;
    private final long readTimeoutNanos;
    private final Timeline timeline;
    private final Random random;
    private final ModelStats stats = new ModelStats();

    /**
     * @param id          where the model is reported, e.g. {@code cascade/advanced}
     * @param modelName   the model name it reports, e.g. {@code sim-advanced}
     * @param latency     its latency when healthy
     * @param faults      what goes wrong, per phase
     * @param readTimeout the simulated client's read timeout
     * @param timeline    the shared timeline
     * @param seed        seed of its random latencies, faults and answer lengths
     */
    public SimulatedModel(String id, String modelName, LatencyProfile latency, FaultScript faults,
                          Duration readTimeout, Timeline timeline, long seed) {
        this.id = Objects.requireNonNull(id, "id");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.latency = Objects.requireNonNull(latency, "latency");
        this.faults = Objects.requireNonNull(faults, "faults");
        this.readTimeoutNanos = readTimeout.toNanos();
        this.timeline = Objects.requireNonNull(timeline, "timeline");
        this.random = new Random(seed);
    }

    @Override
    public ModelResponse call(ModelRequest request) throws Exception {
        long start = System.nanoTime();
        Phase now = timeline.behaviourAt(start);
        ModelPhaseStats phase = stats.phase(now);
        phase.called();
        if (faults.hangsIn(now)) {
            throw hangUntilReadTimeout(phase);
        }
        double share = faults.rateLimitShareIn(now);
        if (share > 0 && random.nextDouble() < share) {
            phase.rateLimited();
            throw ModelCallException.rateLimited("429 Too Many Requests (simulated storm on " + modelName + ")",
                    retryAfter());
        }
        long latencyNanos = latency.sampleNanos(random);
        if (latencyNanos >= readTimeoutNanos) {
            // The slow tail beyond the read timeout: the client gives up, as a real one would.
            throw hangUntilReadTimeout(phase);
        }
        pause(latencyNanos, phase);
        // A provider never writes more than the request's cap.
        int output = 80 + random.nextInt(161);
        Usage usage = Usage.of(inputTokens(request), Math.min(output, request.maxOutputTokens().orElse(output)));
        phase.answered(System.nanoTime() - start);
        return new ModelResponse("[" + modelName + "] Thanks for writing in, here is what to do next.", usage, "stop",
                modelName);
    }

    @Override
    public String provider() {
        return "simulated";
    }

    @Override
    public String model() {
        return modelName;
    }

    /** Where this model is reported, e.g. {@code cascade/advanced}. */
    public String id() {
        return id;
    }

    /** What the model saw, per phase. */
    public ModelStats stats() {
        return stats;
    }

    private SocketTimeoutException hangUntilReadTimeout(ModelPhaseStats phase) throws InterruptedIOException {
        pause(readTimeoutNanos, phase);
        phase.timedOut();
        return new SocketTimeoutException("Read timed out after " + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos)
                + " ms (" + modelName + ")");
    }

    private static void pause(long nanos, ModelPhaseStats phase) throws InterruptedIOException {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            // Blocking I/O that is interrupted gives up at once; keep the flag so the caller's thread sees it.
            Thread.currentThread().interrupt();
            phase.interrupted();
            InterruptedIOException io = new InterruptedIOException("simulated call interrupted");
            io.initCause(e);
            throw io;
        }
    }

    private Duration retryAfter() {
        long min = faults.retryAfterMin().toMillis();
        long span = faults.retryAfterMax().toMillis() - min;
        return Duration.ofMillis(min + (span == 0 ? 0 : random.nextInt((int) span + 1)));
    }

    private static long inputTokens(ModelRequest request) {
        int chars = request.user().length() + (request.system() == null ? 0 : request.system().length());
        return chars / 4 + 1;
    }
}
