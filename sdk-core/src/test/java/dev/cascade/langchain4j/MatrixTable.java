package dev.cascade.langchain4j;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects one row per matrix cell and prints them as a markdown table (stdout and the build directory). */
final class MatrixTable {

    /** One executed cell, recorded before its assertions run so a failing cell shows up too. */
    static final class Row {
        final int order;
        final String fault;
        final String client;
        String kinds = "-";
        int requests;
        boolean retried;
        String fellBack = "-";
        String answeredBy = "-";
        long elapsedMs;
        String verdict = "not finished";

        Row(int order, String fault, String client) {
            this.order = order;
            this.fault = fault;
            this.client = client;
        }
    }

    private final List<Row> rows = new ArrayList<>();

    synchronized Row add(int order, String fault, String client) {
        Row r = new Row(order, fault, client);
        rows.add(r);
        return r;
    }

    synchronized String markdown() {
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingInt((Row r) -> r.order).thenComparing(r -> r.client));
        StringBuilder sb = new StringBuilder();
        sb.append("| fault | client | kind (advanced attempts) | requests | retried? | fell back? | answered by"
                + " | elapsed ms | cell |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : sorted) {
            sb.append("| ").append(r.fault).append(" | ").append(r.client).append(" | ").append(r.kinds)
                    .append(" | ").append(r.requests).append(" | ").append(r.retried ? "yes" : "no")
                    .append(" | ").append(r.fellBack).append(" | ").append(r.answeredBy)
                    .append(" | ").append(r.elapsedMs).append(" | ").append(r.verdict).append(" |\n");
        }
        return sb.toString();
    }

    /** Writes the table to {@code <build dir>/fault-matrix.md}; returns the path, or null when it cannot tell. */
    Path write(String title) {
        try {
            Path testClasses = Path.of(MatrixTable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path buildDir = testClasses.getParent();
            if (buildDir == null || !Files.isDirectory(buildDir)) {
                return null;
            }
            Path out = buildDir.resolve("fault-matrix.md");
            Files.writeString(out, "# " + title + "\n\n" + markdown(), StandardCharsets.UTF_8);
            return out;
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
