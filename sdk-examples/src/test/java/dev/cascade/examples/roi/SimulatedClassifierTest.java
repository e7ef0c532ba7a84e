package dev.cascade.examples.roi;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.examples.outage.ModelPrice;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SimulatedClassifierTest {
    private static final List<RoiTicket> TICKETS = RoiTickets.load();
    private static final Map<String, RoiTicket> BY_TEXT = TICKETS.stream()
            .collect(Collectors.toMap(RoiTicket::text, Function.identity()));

    @Test
    void theDataSetHasAFewHundredLabelledTicketsWithEdgeAndAdversarialOnes() {
        assertThat(TICKETS).hasSizeBetween(300, 400);
        assertThat(TICKETS).extracting(RoiTicket::expected).containsOnlyElementsOf(Categories.ALL)
                .containsAll(Categories.ALL);
        assertThat(TICKETS.stream().filter(t -> t.difficulty() == RoiTicket.Difficulty.EDGE)).hasSizeGreaterThan(50);
        assertThat(TICKETS.stream().filter(t -> t.tags().contains("prompt-injection"))).hasSizeGreaterThan(20);
        assertThat(TICKETS).extracting(RoiTicket::id).doesNotHaveDuplicates();
        assertThat(BY_TEXT).hasSameSizeAs(TICKETS);
    }

    @Test
    void aTicketGetsTheSameAnswerWhateverTheOrderOfCalls() throws Exception {
        List<RoiTicket> shuffled = new ArrayList<>(TICKETS);
        Collections.shuffle(shuffled, new Random(3));
        SimulatedClassifier a = model(AccuracyProfile.CHEAP, 7, new VirtualTime());
        SimulatedClassifier b = model(AccuracyProfile.CHEAP, 7, new VirtualTime());
        Map<String, String> first = new java.util.HashMap<>();
        for (RoiTicket t : TICKETS) {
            first.put(t.id(), a.call(request(t)).text());
        }
        for (RoiTicket t : shuffled) {
            assertThat(b.call(request(t)).text()).as(t.id()).isEqualTo(first.get(t.id()));
        }
    }

    @Test
    void accuracyAndConfidenceFollowTheProfileOverManySeeds() throws Exception {
        AccuracyProfile p = AccuracyProfile.CHEAP;
        long right = 0, calls = 0, sureRight = 0, doubtfulWrong = 0, wrong = 0;
        long plainRight = 0, plainCalls = 0;
        for (long seed = 1; seed <= 30; seed++) {
            SimulatedClassifier m = model(p, seed, new VirtualTime());
            for (RoiTicket t : TICKETS) {
                Triage answer = Triage.parse(m.call(request(t)).text());
                assertThat(answer.confidence()).isBetween(AccuracyProfile.DOUBTFUL_FROM, 0.99);
                boolean ok = answer.category().equals(t.expected());
                boolean sure = answer.confidence() >= AccuracyProfile.SURE_FROM;
                calls++;
                if (ok) {
                    right++;
                    sureRight += sure ? 1 : 0;
                } else {
                    wrong++;
                    doubtfulWrong += sure ? 0 : 1;
                }
                if (t.difficulty() == RoiTicket.Difficulty.PLAIN) {
                    plainCalls++;
                    plainRight += ok ? 1 : 0;
                }
            }
        }
        assertThat(plainRight / (double) plainCalls).isCloseTo(p.plain(), within(0.01));
        assertThat(sureRight / (double) right).isCloseTo(p.sureWhenRight(), within(0.01));
        assertThat(doubtfulWrong / (double) wrong).isCloseTo(p.doubtfulWhenWrong(), within(0.02));
        assertThat(right / (double) calls).isLessThan(p.plain());
    }

    @Test
    void itWaitsItsLatencyOnTheTimeSourceAndReportsUsage() throws Exception {
        VirtualTime time = new VirtualTime();
        SimulatedClassifier m = model(AccuracyProfile.ADVANCED, 1, time);
        ModelResponse r = m.call(request(TICKETS.get(0)));
        assertThat(time.elapsed()).isBetween(Duration.ofMillis(900), Duration.ofMillis(2400));
        assertThat(r.usage().inputTokens()).isGreaterThan(RoiVariants.SYSTEM_PROMPT.length() / 4);
        assertThat(r.usage().outputTokens()).isBetween(18L, 33L);
        assertThat(r.model()).isEqualTo("sim-advanced");
    }

    @Test
    void anUnknownTextGetsADoubtfulAnswer() throws Exception {
        Triage t = Triage.parse(model(AccuracyProfile.ADVANCED, 1, new VirtualTime())
                .call(ModelRequest.of("sys", "not in the data set")).text());
        assertThat(t.confidence()).isLessThan(AccuracyProfile.SURE_FROM);
    }

    @Test
    void aProfileNamesTheFieldOutOfRange() {
        assertThatThrownBy(() -> AccuracyProfile.CHEAP.withPlain(1.2))
                .hasMessage("plain must be a probability in [0, 1], was 1.2");
        assertThatThrownBy(() -> Triage.parse("{\"confidence\":0.5}"))
                .hasMessageContaining("no 'category' field");
    }

    private static SimulatedClassifier model(AccuracyProfile p, long seed, VirtualTime time) {
        return new SimulatedClassifier(p, p == AccuracyProfile.CHEAP ? ModelPrice.CHEAP : ModelPrice.ADVANCED,
                BY_TEXT, seed, time);
    }

    private static ModelRequest request(RoiTicket t) {
        return ModelRequest.of(RoiVariants.SYSTEM_PROMPT, t.text());
    }
}
