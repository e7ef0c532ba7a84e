package dev.cascade.eval;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@link Dataset}s from JSON Lines or CSV, within size limits, with errors that name the file, the line and the
 * field ({@link DatasetException}).
 *
 * <p><b>Fields</b> (JSONL keys or CSV header names, case-sensitive):
 * <ul>
 *   <li>{@code input} (required): the input text;</li>
 *   <li>{@code id}: unique; defaults to the line number ({@code "L12"});</li>
 *   <li>{@code expected}, or its synonyms {@code label} and {@code answer} (at most one of them): the expected answer;
 *       optional (a case without one is run but not scored);</li>
 *   <li>{@code tags}: in JSONL an array of strings or one string, in CSV one cell separated by {@code ;} or
 *       {@code |};</li>
 *   <li>{@code template}: the prompt template id;</li>
 *   <li>any other field: kept as text in {@link EvalCase#attributes()} (JSON values that are not strings as their JSON).</li>
 * </ul>
 * JSONL: one JSON object per line; blank lines and lines starting with {@code #} or {@code //} are skipped. CSV: RFC
 * 4180 (comma separated, fields in double quotes may hold commas, quotes doubled and line breaks), a header row first;
 * a row is reported at the line it starts on.
 *
 * <p><b>Limits</b> (defaults): file size 64 MiB ({@link #maxBytes}), 100,000 cases ({@link #maxCases}), 65,536
 * characters per field ({@link #maxFieldChars}). Immutable and thread-safe; the {@code with...} methods return copies.
 */
public final class DatasetReader {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> KNOWN = Set.of("id", "input", "expected", "label", "answer", "tags", "template");

    private final long maxBytes;
    private final int maxCases;
    private final int maxFieldChars;

    private DatasetReader(long maxBytes, int maxCases, int maxFieldChars) {
        this.maxBytes = maxBytes;
        this.maxCases = maxCases;
        this.maxFieldChars = maxFieldChars;
    }

    /** A reader with the default limits. */
    public static DatasetReader defaults() {
        return new DatasetReader(64L * 1024 * 1024, 100_000, 65_536);
    }

    /** A copy that refuses files (or streams) larger than {@code bytes} (characters, for a {@link Reader}). */
    public DatasetReader maxBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be > 0, was " + bytes);
        }
        return new DatasetReader(bytes, maxCases, maxFieldChars);
    }

    /** A copy that refuses data sets of more than {@code cases} cases. */
    public DatasetReader maxCases(int cases) {
        if (cases <= 0) {
            throw new IllegalArgumentException("maxCases must be > 0, was " + cases);
        }
        return new DatasetReader(maxBytes, cases, maxFieldChars);
    }

    /** A copy that refuses a field (input, expected, ...) longer than {@code chars} characters. */
    public DatasetReader maxFieldChars(int chars) {
        if (chars <= 0) {
            throw new IllegalArgumentException("maxFieldChars must be > 0, was " + chars);
        }
        return new DatasetReader(maxBytes, maxCases, chars);
    }

    /** Reads {@code file}: JSONL for {@code .jsonl}/{@code .ndjson}, CSV for {@code .csv}. Named after the file. */
    public Dataset read(Path file) {
        String source = file.toString();
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean jsonl = lower.endsWith(".jsonl") || lower.endsWith(".ndjson");
        if (!jsonl && !lower.endsWith(".csv")) {
            throw new DatasetException(source, 0, null, "unknown data set format; name the file *.jsonl, *.ndjson or"
                    + " *.csv");
        }
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new DatasetException(source, 0, null, "file is " + size + " bytes, over the limit of " + maxBytes
                        + "; split it or raise DatasetReader.maxBytes");
            }
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String name = file.getFileName().toString();
                Dataset d = jsonl ? readJsonl(source, r) : readCsv(source, r);
                return Dataset.of(name, d.cases());
            }
        } catch (IOException e) {
            throw Dataset.unreadable(source, e);
        }
    }

    /** Reads JSON Lines; {@code name} names the data set and appears in errors. */
    public Dataset readJsonl(String name, Reader reader) {
        Cases cases = new Cases(name);
        BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        long chars = 0;
        long lineNo = 0;
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                chars += line.length() + 1;
                checkSize(name, lineNo, chars);
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#") || t.startsWith("//")) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(t);
                } catch (JacksonException e) {
                    throw new DatasetException(name, lineNo, null, "not valid JSON (" + e.getOriginalMessage()
                            + "); each line must be one JSON object such as {\"id\":\"t1\",\"input\":\"...\","
                            + "\"expected\":\"billing\"}", e);
                }
                if (node == null || !node.isObject()) {
                    throw new DatasetException(name, lineNo, null, "expected a JSON object, found "
                            + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
                }
                Map<String, String> fields = new LinkedHashMap<>();
                Set<String> tags = new LinkedHashSet<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    String key = e.getKey();
                    JsonNode v = e.getValue();
                    if (key.equals("tags")) {
                        if (v.isArray()) {
                            for (JsonNode tag : v.values()) {
                                if (!tag.isString()) {
                                    throw new DatasetException(name, lineNo, "tags", "every tag must be a string,"
                                            + " found " + tag);
                                }
                                addTag(tags, tag.stringValue());
                            }
                        } else if (v.isString()) {
                            splitTags(tags, v.stringValue());
                        } else if (!v.isNull()) {
                            throw new DatasetException(name, lineNo, "tags", "must be an array of strings, found " + v);
                        }
                    } else if (v.isNull()) {
                        continue;
                    } else if (KNOWN.contains(key) && !v.isString() && !v.isNumber() && !v.isBoolean()) {
                        throw new DatasetException(name, lineNo, key, "must be a string, found " + v);
                    } else {
                        fields.put(key, v.isString() ? v.stringValue() : v.toString());
                    }
                }
                cases.add(lineNo, fields, tags);
            }
        } catch (IOException e) {
            throw Dataset.unreadable(name, e);
        }
        return Dataset.of(name, cases.list);
    }

    /** Reads CSV with a header row; {@code name} names the data set and appears in errors. */
    public Dataset readCsv(String name, Reader reader) {
        Cases cases = new Cases(name);
        CsvRows rows = new CsvRows(name, reader, maxBytes);
        List<String> header = rows.next();
        if (header == null) {
            throw new DatasetException(name, 1, null, "empty file; the first line must be a header such as"
                    + " id,input,expected,tags");
        }
        long headerLine = rows.rowLine();
        Set<String> seen = new HashSet<>();
        for (String h : header) {
            if (h.isBlank()) {
                throw new DatasetException(name, headerLine, null, "the header has an empty column name");
            }
            if (!seen.add(h.strip())) {
                throw new DatasetException(name, headerLine, h.strip(), "column appears twice in the header");
            }
        }
        if (!seen.contains("input")) {
            throw new DatasetException(name, headerLine, "input", "the header has no 'input' column; found "
                    + header);
        }
        for (List<String> row = rows.next(); row != null; row = rows.next()) {
            long lineNo = rows.rowLine();
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            if (row.size() != header.size()) {
                throw new DatasetException(name, lineNo, null, "has " + row.size() + " fields but the header has "
                        + header.size() + "; quote fields that contain commas (\"a, b\")");
            }
            Map<String, String> fields = new LinkedHashMap<>();
            Set<String> tags = new LinkedHashSet<>();
            for (int i = 0; i < header.size(); i++) {
                String key = header.get(i).strip();
                String v = row.get(i);
                if (key.equals("tags")) {
                    splitTags(tags, v);
                } else if (!v.isEmpty()) {
                    fields.put(key, v);
                }
            }
            cases.add(lineNo, fields, tags);
        }
        return Dataset.of(name, cases.list);
    }

    private void checkSize(String name, long line, long chars) {
        if (chars > maxBytes) {
            throw new DatasetException(name, line, null, "data set is over the size limit of " + maxBytes
                    + " characters; split it or raise DatasetReader.maxBytes");
        }
    }

    private static void splitTags(Set<String> tags, String cell) {
        for (String t : cell.split("[;|]")) {
            addTag(tags, t);
        }
    }

    private static void addTag(Set<String> tags, String tag) {
        String t = tag.strip();
        if (!t.isEmpty()) {
            tags.add(t);
        }
    }

    /** Collects cases, checking the per-case rules. */
    private final class Cases {
        final String name;
        final List<EvalCase> list = new ArrayList<>();
        final Map<String, Long> ids = new java.util.HashMap<>();

        Cases(String name) {
            this.name = name;
        }

        void add(long line, Map<String, String> fields, Set<String> tags) {
            if (list.size() >= maxCases) {
                throw new DatasetException(name, line, null, "more than " + maxCases + " cases; split the data set or"
                        + " raise DatasetReader.maxCases");
            }
            for (Map.Entry<String, String> f : fields.entrySet()) {
                if (f.getValue().length() > maxFieldChars) {
                    throw new DatasetException(name, line, f.getKey(), "is " + f.getValue().length()
                            + " characters, over the limit of " + maxFieldChars
                            + "; shorten it or raise DatasetReader.maxFieldChars");
                }
            }
            String input = fields.remove("input");
            if (input == null || input.isBlank()) {
                throw new DatasetException(name, line, "input", "field 'input' is missing or blank; every case needs"
                        + " an input text");
            }
            String expected = null;
            String expectedField = null;
            for (String k : List.of("expected", "label", "answer")) {
                String v = fields.remove(k);
                if (v != null) {
                    if (expected != null) {
                        throw new DatasetException(name, line, k, "both '" + expectedField + "' and '" + k
                                + "' are set; give the expected answer once");
                    }
                    expected = v;
                    expectedField = k;
                }
            }
            String id = fields.remove("id");
            if (id == null || id.isBlank()) {
                id = "L" + line;
            }
            Long previous = ids.putIfAbsent(id, line);
            if (previous != null) {
                throw new DatasetException(name, line, "id", "id '" + id + "' was already used on line " + previous
                        + "; ids must be unique");
            }
            String template = fields.remove("template");
            list.add(new EvalCase(id, input, expected, tags, template, fields));
        }
    }
}
