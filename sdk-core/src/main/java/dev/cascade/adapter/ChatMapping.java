package dev.cascade.adapter;

import dev.cascade.api.FailureKind;
import dev.cascade.api.ModelRequest;
import dev.cascade.api.Usage;
import dev.cascade.event.Anomaly;
import dev.cascade.spi.CascadeListener;
import dev.cascade.spi.ModelCallException;

import java.util.Map;
import java.util.function.DoubleConsumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The request and response rules Cascade's chat-model adapters (LangChain4j, Spring AI) share, so a step behaves alike
 * on either library; the errors are {@link ProviderErrors}'. Each adapter keeps the calls into its own library.
 * Stateless and thread-safe.
 *
 * <p><b>Request options passed on</b>: {@code temperature}, {@code top_p}, {@code top_k} (rounded to a whole number),
 * {@code frequency_penalty} and {@code presence_penalty} of {@link ModelRequest#options()}, each a decimal number; a
 * value that is not one fails the call as INVALID_REQUEST. Other options are ignored.
 *
 * <p><b>A refusal without text</b> (finish reason {@code content_filter} or {@code refusal}, and no or blank text) is
 * CONTENT_FILTERED; with partial text the response is returned, for the chain's {@code accept} gate to judge.
 *
 * <p><b>A model that retries on its own</b> is reported once, as a {@link #CLIENT_RETRIES} {@link Anomaly} on the
 * listener given to the adapter's factory: its hidden requests ignore the chain's deadline and are invisible to the
 * breaker and the budget.
 */
public final class ChatMapping {

    /** The {@link Anomaly#watcher()} of the warning that a wrapped model retries on its own. */
    public static final String CLIENT_RETRIES = "client-retries";

    private ChatMapping() {
    }

    /** {@code provider} when given, else what the model says; never blank. */
    public static String provider(String given, Supplier<String> fromModel) {
        String p = given != null ? given : fromModel.get();
        if (p.isBlank()) {
            throw new IllegalArgumentException("provider must not be blank");
        }
        return p;
    }

    /** "openai/gpt-4o": what the client-retries warning is about ({@code ?} for an unknown model). */
    public static String subject(String provider, String modelName) {
        return provider + "/" + (modelName == null ? "?" : modelName);
    }

    /**
     * Fires one {@link #CLIENT_RETRIES} {@link Anomaly} on {@code listener} (may be {@code null}) when the wrapped
     * model retries on its own ({@code retries > 0}); a listener that throws is ignored.
     */
    public static void reportClientRetries(CascadeListener listener, String subject, int retries,
                                           Supplier<String> warning) {
        if (retries > 0 && listener != null) {
            try {
                listener.onAnomaly(new Anomaly(CLIENT_RETRIES, subject, retries, 0, warning.get()));
            } catch (RuntimeException ignored) {
                // a listener that throws never breaks anything
            }
        }
    }

    /** Whether the request carries any of the sampling options passed on, or an output cap. */
    public static boolean tunes(ModelRequest request) {
        Map<String, String> o = request.options();
        return request.maxOutputTokens().isPresent() || o.containsKey("temperature") || o.containsKey("top_p")
                || o.containsKey("top_k") || o.containsKey("frequency_penalty") || o.containsKey("presence_penalty");
    }

    /**
     * Hands each sampling option present in {@code options} to its setter, in this order.
     *
     * @throws ModelCallException INVALID_REQUEST, naming the first option that is not a number
     */
    public static void applySamplingOptions(Map<String, String> options, DoubleConsumer temperature,
                                            DoubleConsumer topP, IntConsumer topK, DoubleConsumer frequencyPenalty,
                                            DoubleConsumer presencePenalty) throws ModelCallException {
        String v;
        if ((v = options.get("temperature")) != null) {
            temperature.accept(number(v, "temperature"));
        }
        if ((v = options.get("top_p")) != null) {
            topP.accept(number(v, "top_p"));
        }
        if ((v = options.get("top_k")) != null) {
            topK.accept((int) Math.round(number(v, "top_k")));
        }
        if ((v = options.get("frequency_penalty")) != null) {
            frequencyPenalty.accept(number(v, "frequency_penalty"));
        }
        if ((v = options.get("presence_penalty")) != null) {
            presencePenalty.accept(number(v, "presence_penalty"));
        }
    }

    private static double number(String value, String option) throws ModelCallException {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new ModelCallException(FailureKind.INVALID_REQUEST, "option " + option + " is not a number",
                    null, e);
        }
    }

    /**
     * Throws CONTENT_FILTERED when the provider refused the content and returned no text.
     *
     * @param finishReason the folded, lower-case finish reason ({@code content_filter}, {@code refusal}, ...)
     * @param billed       the usage the provider reported for the refused completion; the budget settles on it
     */
    public static void checkNotFiltered(String provider, String text, String finishReason, Usage billed)
            throws ModelCallException {
        boolean blank = text == null || text.isBlank();
        if (blank && ("content_filter".equals(finishReason) || "refusal".equals(finishReason))) {
            throw new ModelCallException(FailureKind.CONTENT_FILTERED, provider + " refused the content (finish reason "
                    + finishReason + ", no text)", null, null, billed);
        }
    }

    /** A token count as a library reports it ({@code Integer}, {@code Long}, or null): 0 unless positive. */
    public static long tokens(Object n) {
        return n instanceof Number x && x.longValue() > 0 ? x.longValue() : 0;
    }
}
