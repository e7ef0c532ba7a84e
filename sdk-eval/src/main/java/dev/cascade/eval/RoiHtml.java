package dev.cascade.eval;

import dev.cascade.api.Money;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link RoiReport} as one self-contained HTML page: inline CSS, inline SVG charts drawn from the report's
 * figures, no script and nothing fetched at view time (no URL appears in the page). Every text that comes from data
 * (title, labels, step and variant names, run ids, notes) is HTML-escaped, since names and model-derived text are
 * untrusted. The page: the headline sentence, six key figures (before → after), up to four charts (monthly cost
 * before/after, savings by lever, answered by step, trend of the validation runs) and the notes on method.
 * Stateless; thread-safe.
 */
public final class RoiHtml {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final String BEFORE = "#9aa5b1";
    private static final String AFTER = "#1f7a5a";
    private static final String NEGATIVE = "#b5412f";

    private RoiHtml() {
    }

    /** The page. */
    public static String render(RoiReport r) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(r.title())).append("</title>\n<style>").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<main>\n<header>\n<h1>").append(esc(r.title())).append("</h1>\n")
                .append("<p class=\"meta\">").append(esc(r.period())).append(" &middot; generated ")
                .append(esc(WHEN.format(r.generatedAt()))).append("</p>\n</header>\n")
                .append("<p class=\"headline\" id=\"headline\">").append(esc(r.headline())).append("</p>\n");
        kpis(h, r);
        h.append("<div class=\"charts\">\n");
        costChart(h, r);
        if (!r.savingsByLever().isEmpty()) {
            leverChart(h, r);
        }
        if (!r.answeredBy().isEmpty()) {
            answeredByChart(h, r);
        }
        if (r.trend().size() >= 2) {
            trendChart(h, r);
        }
        h.append("</div>\n");
        details(h, r);
        h.append("<section class=\"notes\"><h2>How these figures were measured</h2>\n<ul>\n");
        for (String n : r.notes()) {
            h.append("<li>").append(esc(n)).append("</li>\n");
        }
        h.append("</ul>\n</section>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void kpis(StringBuilder h, RoiReport r) {
        RoiReport.Side b = r.before();
        RoiReport.Side a = r.after();
        h.append("<section class=\"kpis\" aria-label=\"Key figures\">\n");
        kpi(h, "Cost per transaction", b.costPerTransaction().toString(), a.costPerTransaction().toString(),
                RoiReport.pct(r.costShare()) + " of before");
        kpi(h, "Monthly cost at " + String.format(Locale.ROOT, "%,d", r.monthlyVolume()) + " transactions",
                cents(b.monthlyCost()), cents(a.monthlyCost()), (r.monthlySavings().isNegative()
                        ? cents(r.monthlySavings()).substring(1) + " more" : cents(r.monthlySavings()) + " saved"));
        kpi(h, "Response time (median)", ms(b.latencyP50Ms()), ms(a.latencyP50Ms()),
                a.latencyP90Ms() == null ? "" : "90% within " + ms(a.latencyP90Ms()));
        kpi(h, "Answered without people", share(b.answeredShare()), share(a.answeredShare()), "");
        kpi(h, "Accuracy", share(b.accuracy()), share(a.accuracy()), "");
        kpi(h, "Manual intervention", share(b.manualShare()), share(a.manualShare()), "sent to human review");
        h.append("</section>\n");
    }

    private static void kpi(StringBuilder h, String label, String before, String after, String note) {
        h.append("<div class=\"kpi\"><div class=\"label\">").append(esc(label)).append("</div>")
                .append("<div class=\"value\"><span class=\"before\">").append(esc(before))
                .append("</span> <span class=\"arrow\" aria-label=\"to\">&rarr;</span> <span class=\"after\">")
                .append(esc(after)).append("</span></div>");
        if (!note.isEmpty()) {
            h.append("<div class=\"note\">").append(esc(note)).append("</div>");
        }
        h.append("</div>\n");
    }

    private static void costChart(StringBuilder h, RoiReport r) {
        List<Bar> bars = List.of(
                new Bar(r.before().label(), r.before().monthlyCost().micros(), cents(r.before().monthlyCost()),
                        BEFORE),
                new Bar(r.after().label(), r.after().monthlyCost().micros(), cents(r.after().monthlyCost()),
                        AFTER));
        barChart(h, "Monthly cost, before and after", bars);
    }

    private static void leverChart(StringBuilder h, RoiReport r) {
        List<Bar> bars = new ArrayList<>();
        for (RoiReport.LeverSaving l : r.savingsByLever()) {
            Money m = l.monthlySavings();
            bars.add(new Bar(l.lever() + (l.transactions() >= 0 ? " (" + l.transactions() + ")" : ""), m.micros(),
                    cents(m) + " a month", m.isNegative() ? NEGATIVE : AFTER));
        }
        barChart(h, "Savings a month by lever", bars);
    }

    private static void answeredByChart(StringBuilder h, RoiReport r) {
        long total = r.answeredBy().values().stream().mapToLong(Long::longValue).sum();
        List<Bar> bars = new ArrayList<>();
        for (Map.Entry<String, Long> e : r.answeredBy().entrySet()) {
            bars.add(new Bar(e.getKey(), e.getValue(), e.getValue() + " (" + share(total == 0 ? 0
                    : (double) e.getValue() / total) + ")", AFTER));
        }
        barChart(h, "Who answered (" + r.after().label() + ")", bars);
    }

    private record Bar(String label, long value, String text, String colour) {
    }

    /** Horizontal bars from zero; negative values drawn leftwards of the zero line. */
    private static void barChart(StringBuilder h, String title, List<Bar> bars) {
        int labelW = 190;
        int barW = 250;
        int valueW = 150;
        int rowH = 30;
        int width = labelW + barW + valueW;
        int height = rowH * bars.size() + 10;
        long max = 0;
        long min = 0;
        for (Bar b : bars) {
            max = Math.max(max, b.value());
            min = Math.min(min, b.value());
        }
        double span = Math.max(1, max - min);
        double zero = labelW + barW * (-min / span);
        h.append("<figure class=\"chart\"><figcaption>").append(esc(title)).append("</figcaption>\n")
                .append("<svg viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\"><title>").append(esc(title))
                .append("</title>\n");
        int y = 5;
        for (Bar b : bars) {
            double len = barW * (Math.abs(b.value()) / span);
            double x = b.value() >= 0 ? zero : zero - len;
            h.append("<text x=\"").append(labelW - 8).append("\" y=\"").append(y + 19)
                    .append("\" text-anchor=\"end\" class=\"lbl\">").append(esc(clip(b.label(), 28))).append("</text>")
                    .append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(y + 5).append("\" width=\"")
                    .append(fmt(Math.max(len, 1))).append("\" height=\"").append(rowH - 10).append("\" fill=\"")
                    .append(b.colour()).append("\"><title>").append(esc(b.label() + ": " + b.text()))
                    .append("</title></rect>")
                    .append("<text x=\"").append(labelW + barW + 8).append("\" y=\"").append(y + 19)
                    .append("\" class=\"val\">").append(esc(b.text())).append("</text>\n");
            y += rowH;
        }
        h.append("<line x1=\"").append(fmt(zero)).append("\" x2=\"").append(fmt(zero))
                .append("\" y1=\"0\" y2=\"").append(height).append("\" class=\"axis\"/>\n</svg></figure>\n");
    }

    /** Accuracy and cost per transaction of the last runs, as two lines on a shared time axis. */
    private static void trendChart(StringBuilder h, RoiReport r) {
        List<RoiReport.TrendPoint> pts = r.trend();
        int width = 590;
        int plotH = 90;
        int left = 70;
        int right = 20;
        int height = 2 * plotH + 70;
        double maxCost = 1;
        for (RoiReport.TrendPoint p : pts) {
            maxCost = Math.max(maxCost, p.costPerTransaction().micros());
        }
        String title = "Trend of the last " + pts.size() + " validation runs";
        h.append("<figure class=\"chart wide\"><figcaption>").append(esc(title)).append("</figcaption>\n")
                .append("<svg viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\"><title>").append(esc(title))
                .append("</title>\n");
        double step = (width - left - right) / (double) (pts.size() - 1);
        StringBuilder acc = new StringBuilder();
        StringBuilder cost = new StringBuilder();
        for (int i = 0; i < pts.size(); i++) {
            RoiReport.TrendPoint p = pts.get(i);
            double x = left + i * step;
            double ya = 10 + plotH * (1 - p.accuracy());
            double yc = 40 + plotH + plotH * (1 - p.costPerTransaction().micros() / maxCost);
            acc.append(i == 0 ? "" : " ").append(fmt(x)).append(',').append(fmt(ya));
            cost.append(i == 0 ? "" : " ").append(fmt(x)).append(',').append(fmt(yc));
            h.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(ya)).append("\" r=\"3\" fill=\"")
                    .append(AFTER).append("\"><title>").append(esc(p.runId() + " " + WHEN.format(p.finishedAt())
                            + ": accuracy " + share(p.accuracy()))).append("</title></circle>")
                    .append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(yc))
                    .append("\" r=\"3\" fill=\"").append(BEFORE).append("\"><title>")
                    .append(esc(p.runId() + " " + WHEN.format(p.finishedAt()) + ": " + p.costPerTransaction()
                            + " per transaction")).append("</title></circle>\n");
        }
        h.append("<polyline fill=\"none\" stroke=\"").append(AFTER).append("\" stroke-width=\"2\" points=\"")
                .append(acc).append("\"/>\n<polyline fill=\"none\" stroke=\"").append(BEFORE)
                .append("\" stroke-width=\"2\" points=\"").append(cost).append("\"/>\n")
                .append("<text x=\"4\" y=\"18\" class=\"lbl\">accuracy</text>")
                .append("<text x=\"4\" y=\"34\" class=\"val\">").append(esc(share(pts.get(pts.size() - 1)
                        .accuracy()))).append("</text>")
                .append("<text x=\"4\" y=\"").append(48 + plotH).append("\" class=\"lbl\">cost / tx</text>")
                .append("<text x=\"4\" y=\"").append(64 + plotH).append("\" class=\"val\">")
                .append(esc(pts.get(pts.size() - 1).costPerTransaction().toString())).append("</text>")
                .append("<text x=\"").append(left).append("\" y=\"").append(height - 4).append("\" class=\"val\">")
                .append(esc(WHEN.format(pts.get(0).finishedAt()))).append("</text>")
                .append("<text x=\"").append(width - right).append("\" y=\"").append(height - 4)
                .append("\" text-anchor=\"end\" class=\"val\">")
                .append(esc(WHEN.format(pts.get(pts.size() - 1).finishedAt()))).append("</text>\n</svg></figure>\n");
    }

    private static void details(StringBuilder h, RoiReport r) {
        h.append("<section><h2>Before and after</h2>\n<table>\n<thead><tr><th scope=\"col\"></th>")
                .append("<th scope=\"col\">Transactions</th><th scope=\"col\">Cost / transaction</th>")
                .append("<th scope=\"col\">Monthly cost</th><th scope=\"col\">Median time</th>")
                .append("<th scope=\"col\">Answered without people</th><th scope=\"col\">Accuracy</th>")
                .append("<th scope=\"col\">Manual</th></tr></thead>\n<tbody>\n");
        row(h, "Before", r.before());
        row(h, "After", r.after());
        h.append("</tbody>\n</table>\n</section>\n");
    }

    private static void row(StringBuilder h, String which, RoiReport.Side s) {
        h.append("<tr><th scope=\"row\">").append(which).append(": ").append(esc(s.label())).append("</th><td>")
                .append(s.transactions()).append("</td><td>").append(esc(s.costPerTransaction().toString()))
                .append("</td><td>").append(esc(cents(s.monthlyCost()))).append("</td><td>")
                .append(esc(ms(s.latencyP50Ms()))).append("</td><td>").append(esc(share(s.answeredShare())))
                .append("</td><td>").append(esc(share(s.accuracy()))).append("</td><td>")
                .append(esc(share(s.manualShare()))).append("</td></tr>\n");
    }

    private static String cents(Money m) {
        return RoiReport.cents(m);
    }

    private static String ms(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%,.0f ms", v);
    }

    private static String share(Double v) {
        return v == null ? "n/a" : RoiReport.pct(v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    private static String esc(String s) {
        return escape(s);
    }

    /** {@code s} with {@code & < > " '} escaped, for element text and quoted attribute values. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root{color-scheme:light;--ink:#1d2733;--muted:#5b6673;--line:#d9dee4;--good:#1f7a5a}
            *{box-sizing:border-box}
            body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);\
            background:#f6f7f9}
            main{max-width:1080px;margin:0 auto;padding:24px}
            h1{font-size:26px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}
            .meta{color:var(--muted);margin:0 0 16px}
            .headline{font-size:20px;background:#fff;border-left:6px solid var(--good);padding:14px 18px;\
            margin:0 0 20px}
            .kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:12px}
            .kpi{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
            .kpi .label{color:var(--muted);font-size:13px}.kpi .value{font-size:20px;font-weight:600}
            .kpi .before{color:var(--muted);font-weight:400}.kpi .after{color:var(--good)}
            .kpi .note{color:var(--muted);font-size:13px}
            .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:12px;margin-top:20px}
            .chart{background:#fff;border:1px solid var(--line);border-radius:8px;margin:0;padding:12px}
            .chart figcaption{font-weight:600;margin-bottom:6px}.chart svg{width:100%;height:auto}
            .lbl{font-size:13px;fill:var(--ink)}.val{font-size:12px;fill:var(--muted)}.axis{stroke:var(--line)}
            table{border-collapse:collapse;width:100%;background:#fff}
            th,td{border:1px solid var(--line);padding:6px 8px;text-align:right}th[scope=row]{text-align:left}
            .notes{color:var(--muted);font-size:13px}
            """;
}
