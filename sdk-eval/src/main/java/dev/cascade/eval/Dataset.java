package dev.cascade.eval;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A labelled data set: an ordered list of {@link EvalCase}s with unique ids. Read one from a file with
 * {@link #load(Path)} (JSONL or CSV by extension, see {@link DatasetReader} for the formats and size limits), or build
 * one in code with {@link #of}. Immutable and thread-safe.
 */
public final class Dataset {
    private final String name;
    private final List<EvalCase> cases;

    private Dataset(String name, List<EvalCase> cases) {
        this.name = Objects.requireNonNull(name, "name");
        this.cases = List.copyOf(cases);
        Set<String> ids = new java.util.HashSet<>();
        for (EvalCase c : this.cases) {
            if (!ids.add(c.id())) {
                throw new DatasetException(name, 0, "id", "case id '" + c.id() + "' appears twice; ids must be unique"
                        + " (results are keyed by them)");
            }
        }
    }

    /** A data set named {@code name} holding {@code cases} in order. */
    public static Dataset of(String name, List<EvalCase> cases) {
        return new Dataset(name, cases);
    }

    /**
     * Reads a data set from {@code file} with the default limits: JSONL when the name ends with {@code .jsonl} or
     * {@code .ndjson}, CSV when it ends with {@code .csv}. Its name is the file name.
     *
     * @throws DatasetException naming the file, line and field of the first problem
     */
    public static Dataset load(Path file) {
        return DatasetReader.defaults().read(file);
    }

    /** Reads JSON Lines from {@code reader} (see {@link DatasetReader#readJsonl}); {@code name} is used in errors. */
    public static Dataset fromJsonl(String name, Reader reader) {
        return DatasetReader.defaults().readJsonl(name, reader);
    }

    /** Reads CSV with a header row from {@code reader} (see {@link DatasetReader#readCsv}). */
    public static Dataset fromCsv(String name, Reader reader) {
        return DatasetReader.defaults().readCsv(name, reader);
    }

    public String name() {
        return name;
    }

    /** The cases, in file order. */
    public List<EvalCase> cases() {
        return cases;
    }

    public int size() {
        return cases.size();
    }

    /** Every tag used by some case, sorted. */
    public Set<String> tags() {
        Set<String> tags = new TreeSet<>();
        cases.forEach(c -> tags.addAll(c.tags()));
        return Collections.unmodifiableSet(tags);
    }

    /** The cases matching {@code filter}, as a data set of the same name. */
    public Dataset filter(Predicate<EvalCase> filter) {
        List<EvalCase> kept = new ArrayList<>();
        for (EvalCase c : cases) {
            if (filter.test(c)) {
                kept.add(c);
            }
        }
        return new Dataset(name, kept);
    }

    /** How many cases carry each tag, in first-seen order. */
    public Map<String, Integer> tagCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (EvalCase c : cases) {
            for (String t : new LinkedHashSet<>(c.tags())) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    static UncheckedIOException unreadable(String source, IOException e) {
        return new UncheckedIOException(source + ": cannot read the data set: " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "Dataset[" + name + ", " + cases.size() + " cases]";
    }
}
