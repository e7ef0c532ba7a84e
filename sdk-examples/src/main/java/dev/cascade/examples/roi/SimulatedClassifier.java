package dev.cascade.examples.roi;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.api.Usage;
import dev.cascade.examples.outage.ModelPrice;
import dev.cascade.spi.ModelClient;
import dev.cascade.spi.TimeSource;

import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A ticket classifier simulated in-process, following its {@link AccuracyProfile}. It knows the data set's labels (it
 * looks the ticket up by its text) and decides, per ticket, whether to answer right, with which confidence and after
 * how long: all drawn from a random generator seeded by the run's seed, the ticket's id and the model's name, so the
 * same ticket gets the same answer whatever the order or concurrency of the run, and another seed gives another,
 * equally likely, run. A text it does not know gets a doubtful answer in a category picked from the text's hash.
 *
 * <p>It waits its latency on the given {@link TimeSource} (a {@code VirtualTime} makes a run instant), answers
 * {@code {"category":"...","confidence":0.xx}} ({@link Triage#toJson()}) and reports usage: input tokens from the
 * request's length (4 characters a token), 18 to 33 output tokens. Thread-safe.
 */
public final class SimulatedClassifier implements ModelClient {
    private final AccuracyProfile profile;
    private final ModelPrice price;
    private final Map<String, RoiTicket> byText;
    private final long seed;
    private final TimeSource time;

    /**
     * @param profile its accuracy, confidence and latency
     * @param price   its model name and price (the name is what it reports as its model)
     * @param byText  the labelled tickets by text
     * @param seed    the run's seed
     * @param time    where it waits its latency
     */
    public SimulatedClassifier(AccuracyProfile profile, ModelPrice price, Map<String, RoiTicket> byText, long seed,
                               TimeSource time) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.price = Objects.requireNonNull(price, "price");
        this.byText = Map.copyOf(byText);
        this.seed = seed;
        this.time = Objects.requireNonNull(time, "time");
    }

    @Override
    public ModelResponse call(ModelRequest request) throws Exception {
        RoiTicket ticket = byText.get(request.user());
        String key = ticket != null ? ticket.id() : request.user();
        SplittableRandom draw = new SplittableRandom(mix(seed, key.hashCode(), profile.name().hashCode()));
        boolean right;
        String category;
        if (ticket == null) {
            right = false;
            category = Categories.ALL.get(Math.floorMod(key.hashCode(), Categories.ALL.size()));
        } else {
            right = draw.nextDouble() < profile.accuracy(ticket.difficulty());
            category = right ? ticket.expected() : Categories.wrong(ticket.expected(), draw.nextInt(1 << 20));
        }
        boolean sure = ticket != null && (right ? draw.nextDouble() < profile.sureWhenRight()
                : draw.nextDouble() >= profile.doubtfulWhenWrong());
        double confidence = sure
                ? AccuracyProfile.SURE_FROM + draw.nextDouble() * (0.99 - AccuracyProfile.SURE_FROM)
                : AccuracyProfile.DOUBTFUL_FROM + draw.nextDouble()
                        * (AccuracyProfile.SURE_FROM - AccuracyProfile.DOUBTFUL_FROM);
        // Two decimals, as the JSON carries them, and never rounded up into the sure band.
        confidence = Math.floor(confidence * 100) / 100;
        long minNanos = profile.latencyMin().toNanos();
        long span = profile.latencyMax().toNanos() - minNanos;
        time.sleep(minNanos + (span == 0 ? 0 : draw.nextLong(span + 1)));
        long input = (request.user().length() + (request.system() == null ? 0 : request.system().length())) / 4 + 1;
        Usage usage = Usage.of(input, 18 + draw.nextInt(16));
        return new ModelResponse(new Triage(category, confidence).toJson(), usage, "stop", price.model());
    }

    @Override
    public String provider() {
        return "simulated";
    }

    @Override
    public String model() {
        return price.model();
    }

    /** Its accuracy profile. */
    public AccuracyProfile profile() {
        return profile;
    }

    /** Its price. */
    public ModelPrice price() {
        return price;
    }

    private static long mix(long seed, int a, int b) {
        long z = seed * 0x9E3779B97F4A7C15L + a;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L + b;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
