package dev.cascade.eval;

import tools.jackson.core.type.TypeReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A {@link ValidationHistory} as a directory of JSON files, one per run: {@code run-<finishedAt>-<runId>.json}
 * holding the run's summaries. Several processes may append (each writes its own file, atomically by rename).
 * Files that cannot be read are reported with their name. Thread-safe.
 */
final class DirectoryValidationHistory implements ValidationHistory {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final TypeReference<List<RunSummary>> LIST = new TypeReference<>() {
    };

    private final Path dir;

    DirectoryValidationHistory(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the validation history directory " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void append(List<RunSummary> run) {
        if (run.isEmpty()) {
            return;
        }
        RunSummary first = run.get(0);
        String id = first.runId().replaceAll("[^A-Za-z0-9._-]", "_");
        Path file = dir.resolve("run-" + STAMP.format(first.finishedAt()) + "-" + id + ".json");
        try {
            Path tmp = Files.createTempFile(dir, ".run-", ".tmp");
            Files.writeString(tmp, EvalJson.toJson(run), StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<RunSummary> runs(String dataset, String variant) {
        return all().stream().filter(s -> s.dataset().equals(dataset) && s.variant().equals(variant)).toList();
    }

    @Override
    public List<RunSummary> all() {
        List<RunSummary> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("run-.*\\.json")).sorted().toList()) {
                String json = Files.readString(f, StandardCharsets.UTF_8);
                try {
                    out.addAll(EvalJson.mapper().readValue(json, LIST));
                } catch (RuntimeException e) {
                    throw new IllegalStateException(f + ": not a run summary file (" + e.getMessage()
                            + "); remove or fix it", e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the validation history in " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(RunSummary::finishedAt));
        return out;
    }
}
