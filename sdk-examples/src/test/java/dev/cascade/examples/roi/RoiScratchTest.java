package dev.cascade.examples.roi;

import dev.cascade.Cascade;
import dev.cascade.api.Outcome;
import dev.cascade.review.InMemoryReviewQueue;
import dev.cascade.testing.VirtualTime;
import org.junit.jupiter.api.Test;

import java.util.List;

class RoiScratchTest {
    @Test
    void scratch() {
        List<RoiTicket> tickets = RoiTickets.load();
        for (long seed = 1; seed <= 12; seed++) {
            StringBuilder sb = new StringBuilder("seed " + seed + ": ");
            long advCost = 0;
            for (String v : List.of("aa", "cf", "full")) {
                VirtualTime time = new VirtualTime();
                RoiVariants vs = new RoiVariants(tickets, seed, time);
                InMemoryReviewQueue<RoiTicket, Triage> q = new InMemoryReviewQueue<>();
                Cascade<RoiTicket, Triage> c = v.equals("aa") ? vs.alwaysAdvanced() : v.equals("cf") ? vs.cheapFirst() : vs.fullChain(q);
                int right = 0, review = 0, rules = 0, rulesRight = 0; long cost = 0;
                for (RoiTicket t : tickets) {
                    Outcome<Triage> o = c.execute(t);
                    cost += o.cost().micros();
                    if (o.status() == Outcome.Status.PENDING_REVIEW) { review++; right++; continue; }
                    String cat = o.answer().orElseThrow().category();
                    if (cat.equals(t.expected())) right++;
                    if (o.answeredBy().orElse("").equals("rules")) { rules++; if (cat.equals(t.expected())) rulesRight++; }
                }
                if (v.equals("aa")) advCost = cost;
                sb.append(String.format("%s acc=%.3f cost=%d (%.1f%%) review=%d rules=%d/%d | ", v, right / (double) tickets.size(), cost, 100.0 * cost / advCost, review, rulesRight, rules));
            }
            System.out.println(sb);
        }
    }
}
