package dev.cascade.examples.jaeger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** Reading a trace as Jaeger's query API returns it ({@code traceID}, {@code spans[]}, {@code processes}). */
public final class JaegerSpans {
    private JaegerSpans() {
    }

    /** The spans of {@code trace}. */
    public static List<JsonNode> spans(JsonNode trace) {
        List<JsonNode> out = new ArrayList<>();
        trace.path("spans").forEach(out::add);
        return out;
    }

    /** A span's tags as text, by key. */
    public static Map<String, String> tags(JsonNode span) {
        Map<String, String> out = new HashMap<>();
        span.path("tags").forEach(t -> out.put(t.path("key").asString(), t.path("value").asString()));
        return out;
    }

    /** The span id of {@code span}'s CHILD_OF parent, or null for a root. */
    public static String parent(JsonNode span) {
        for (JsonNode ref : span.path("references")) {
            if ("CHILD_OF".equals(ref.path("refType").asString())) {
                return ref.path("spanID").asString();
            }
        }
        return null;
    }

    /** The spans without a parent in the trace. */
    public static List<JsonNode> roots(JsonNode trace) {
        return spans(trace).stream().filter(s -> parent(s) == null).toList();
    }

    /** The service of {@code span}, from the trace's processes. */
    public static String service(JsonNode trace, JsonNode span) {
        return trace.path("processes").path(span.path("processID").asString()).path("serviceName").asString();
    }
}
