package dev.cascade.examples.roi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads the demo's labelled data set from the class path. */
public final class RoiTickets {
    /** The data set's class-path resource. */
    public static final String RESOURCE = "roi/tickets.jsonl";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private RoiTickets() {
    }

    /** Every ticket of {@link #RESOURCE}, in file order. */
    public static List<RoiTicket> load() {
        try (InputStream in = RoiTickets.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("data set " + RESOURCE + " is not on the class path");
            }
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            List<RoiTicket> tickets = new ArrayList<>(lines.length);
            for (int i = 0; i < lines.length; i++) {
                if (!lines[i].isBlank()) {
                    tickets.add(read(lines[i], RESOURCE + ":" + (i + 1)));
                }
            }
            return List.copyOf(tickets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One JSONL line: {@code {"id", "input", "expected", "tags": [...], "template"}}.
     *
     * @throws IllegalArgumentException naming the line and the field when one is missing
     */
    static RoiTicket read(String line, String where) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(where + ": not JSON: " + e.getOriginalMessage(), e);
        }
        List<String> tags = new ArrayList<>();
        JsonNode t = n.path("tags");
        for (int i = 0; i < t.size(); i++) {
            tags.add(t.get(i).asString());
        }
        return new RoiTicket(text(n, "id", where), text(n, "input", where), text(n, "expected", where), tags,
                text(n, "template", where));
    }

    private static String text(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isString()) {
            throw new IllegalArgumentException(where + ": field '" + field + "' must be a string, was " + v);
        }
        return v.asString();
    }
}
