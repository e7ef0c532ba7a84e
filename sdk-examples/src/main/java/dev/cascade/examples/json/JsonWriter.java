package dev.cascade.examples.json;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal JSON writer for the examples' reports (no dependency): maps (string keys, kept in order), lists, strings, numbers,
 * booleans and {@code null}. Integers and {@link BigDecimal}s are written exactly; other numbers must be finite.
 */
public final class JsonWriter {
    private JsonWriter() {
    }

    /** {@code value} as indented JSON. */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object value, int depth) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof Map<?, ?> map) {
            writeObject(sb, map, depth);
        } else if (value instanceof Iterable<?> list) {
            writeArray(sb, list.iterator(), depth);
        } else if (value instanceof CharSequence || value instanceof Enum<?>) {
            writeString(sb, value.toString());
        } else if (value instanceof Boolean b) {
            sb.append(b);
        } else if (value instanceof BigDecimal d) {
            sb.append(d.toPlainString());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            sb.append(value);
        } else if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            sb.append(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeObject(StringBuilder sb, Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        String sep = "\n";
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new IllegalArgumentException("JSON object keys must be strings, was " + e.getKey());
            }
            sb.append(sep);
            indent(sb, depth + 1);
            writeString(sb, key);
            sb.append(": ");
            write(sb, e.getValue(), depth + 1);
            sep = ",\n";
        }
        sb.append('\n');
        indent(sb, depth);
        sb.append('}');
    }

    private static void writeArray(StringBuilder sb, Iterator<?> items, int depth) {
        if (!items.hasNext()) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        String sep = "\n";
        while (items.hasNext()) {
            sb.append(sep);
            indent(sb, depth + 1);
            write(sb, items.next(), depth + 1);
            sep = ",\n";
        }
        sb.append('\n');
        indent(sb, depth);
        sb.append(']');
    }

    /** {@code s} as a JSON string literal, quotes included. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        writeString(sb, s);
        return sb.toString();
    }

    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void indent(StringBuilder sb, int depth) {
        sb.append("  ".repeat(depth));
    }
}
