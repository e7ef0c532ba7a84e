package dev.cascade.eval;

import dev.cascade.api.ModelRequest;
import dev.cascade.api.ModelResponse;
import dev.cascade.spi.ModelClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ready-made {@link Scorer}s. Each takes a function that turns the chain's output into text (the overloads without
 * one use {@code String.valueOf(answer)}), and compares it with {@link EvalCase#expected()}. All are stateless and
 * thread-safe; none puts answer text into its {@link Score#detail()}.
 */
public final class Scorers {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{P}\\p{S}]+");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?");
    private static final Pattern PATH_PART = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private Scorers() {
    }

    /** The exact label: the answer's text, trimmed, equals the expected label, trimmed (case-sensitive). */
    public static <O> Scorer<O> exactLabel(Function<? super O, String> text) {
        Objects.requireNonNull(text, "text");
        return named("exact-label", (c, o) -> Score.of(Objects.equals(strip(text.apply(o)), strip(c.expected())),
                "label differs"));
    }

    /** {@link #exactLabel(Function)} on {@code String.valueOf(answer)}. */
    public static <O> Scorer<O> exactLabel() {
        return exactLabel(String::valueOf);
    }

    /**
     * Normalised text: equal after {@link #normalise} (Unicode NFKC, lower case, punctuation and symbols dropped,
     * runs of white space made one space, trimmed), so {@code "Billing."} matches {@code "billing"}.
     */
    public static <O> Scorer<O> normalisedText(Function<? super O, String> text) {
        Objects.requireNonNull(text, "text");
        return named("normalised-text", (c, o) -> Score.of(normalise(text.apply(o)).equals(normalise(c.expected())),
                "text differs after normalisation"));
    }

    /** {@link #normalisedText(Function)} on {@code String.valueOf(answer)}. */
    public static <O> Scorer<O> normalisedText() {
        return normalisedText(String::valueOf);
    }

    /**
     * A JSON field: the answer's text is parsed as JSON, the value at {@code path} is read and compared with the
     * expected text after {@link #normalise}. {@code path} is a dotted path with optional indexes ({@code category},
     * {@code reply.labels[0]}) or a JSON Pointer ({@code /reply/labels/0}). An answer that is not JSON, or lacks the
     * field, fails with a detail saying which.
     */
    public static <O> Scorer<O> jsonField(String path, Function<? super O, String> text) {
        Objects.requireNonNull(text, "text");
        String pointer = toPointer(path);
        return named("json-field(" + path + ")", (c, o) -> {
            JsonNode root;
            try {
                root = JSON.readTree(Objects.requireNonNullElse(text.apply(o), ""));
            } catch (JacksonException e) {
                return Score.wrong("answer is not JSON");
            }
            JsonNode v = root == null ? null : root.at(pointer);
            if (v == null || v.isMissingNode() || v.isNull()) {
                return Score.wrong("field '" + path + "' is missing");
            }
            String actual = v.isValueNode() ? v.asString() : v.toString();
            return Score.of(normalise(actual).equals(normalise(c.expected())), "field '" + path + "' differs");
        });
    }

    /** {@link #jsonField(String, Function)} on {@code String.valueOf(answer)}. */
    public static <O> Scorer<O> jsonField(String path) {
        return jsonField(path, String::valueOf);
    }

    /**
     * Numeric tolerance: the first number in the answer's text and the expected number differ by at most
     * {@code absolute} (exact decimal arithmetic). Passes with score 1; otherwise score 0.
     *
     * @throws IllegalArgumentException if {@code absolute} is negative or not a number
     */
    public static <O> Scorer<O> numeric(String absolute, Function<? super O, String> text) {
        Objects.requireNonNull(text, "text");
        BigDecimal tolerance;
        try {
            tolerance = new BigDecimal(Objects.requireNonNull(absolute, "absolute"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("numeric tolerance must be a decimal number, was '" + absolute + "'");
        }
        if (tolerance.signum() < 0) {
            throw new IllegalArgumentException("numeric tolerance must be >= 0, was " + absolute);
        }
        return named("numeric(±" + absolute + ")", (c, o) -> {
            BigDecimal expected = firstNumber(c.expected());
            if (expected == null) {
                return Score.wrong("expected value is not a number");
            }
            BigDecimal actual = firstNumber(text.apply(o));
            if (actual == null) {
                return Score.wrong("answer has no number");
            }
            return Score.of(actual.subtract(expected).abs().compareTo(tolerance) <= 0, "outside the tolerance");
        });
    }

    /** {@link #numeric(String, Function)} on {@code String.valueOf(answer)}. */
    public static <O> Scorer<O> numeric(String absolute) {
        return numeric(absolute, String::valueOf);
    }

    /** Any check, as a pass/fail lambda: score 1 when it holds, else 0. */
    public static <O> Scorer<O> custom(String name, BiPredicate<EvalCase, ? super O> check) {
        Objects.requireNonNull(check, "check");
        return named(name, (c, o) -> Score.of(check.test(c, o), name + " failed"));
    }

    /** Any scoring function. */
    public static <O> Scorer<O> customScore(String name, BiFunction<EvalCase, ? super O, Score> scorer) {
        Objects.requireNonNull(scorer, "scorer");
        return named(name, scorer::apply);
    }

    /**
     * Every scorer must pass: the score is the lowest of theirs. Use it to put an {@link #llmJudge} beside a
     * deterministic check.
     */
    @SafeVarargs
    public static <O> Scorer<O> allOf(Scorer<O>... scorers) {
        List<Scorer<O>> list = new java.util.ArrayList<>(scorers.length);
        for (Scorer<O> s : scorers) {
            list.add(Objects.requireNonNull(s, "scorer"));
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("allOf needs at least one scorer");
        }
        StringBuilder name = new StringBuilder("all-of(");
        for (int i = 0; i < list.size(); i++) {
            name.append(i == 0 ? "" : ",").append(list.get(i).name());
        }
        return named(name.append(')').toString(), (c, o) -> {
            double min = 1;
            boolean pass = true;
            String detail = null;
            for (Scorer<O> s : list) {
                Score sc = s.score(c, o);
                min = Math.min(min, sc.value());
                if (!sc.pass() && pass) {
                    pass = false;
                    detail = s.name() + ": " + sc.detail();
                }
            }
            return new Score(min, pass, detail);
        });
    }

    /**
     * An LLM as judge: asks {@code judge} to grade the answer against the expected one, on a scale from 0 to 1, and
     * passes when the grade is at least {@code passAt}. The prompt holds the case's input, the expected answer and the
     * answer (sent to the judge model only). The judge's reply must contain a number in [0, 1]; a reply without one,
     * or a failing call, scores 0 with the reason as detail. A judge is a model and can be wrong: combine it with a
     * deterministic scorer ({@link #allOf}), never rely on it alone.
     */
    public static <O> Scorer<O> llmJudge(ModelClient judge, Function<? super O, String> text, double passAt) {
        Objects.requireNonNull(judge, "judge");
        Objects.requireNonNull(text, "text");
        if (!(passAt >= 0 && passAt <= 1)) {
            throw new IllegalArgumentException("llmJudge passAt must be in [0, 1], was " + passAt);
        }
        return named("llm-judge(" + judge.model() + ")", (c, o) -> {
            ModelResponse r;
            try {
                r = judge.call(ModelRequest.of(JUDGE_SYSTEM, "Question:\n" + c.input() + "\n\nExpected answer:\n"
                        + c.expected() + "\n\nAnswer to grade:\n" + text.apply(o)));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return Score.wrong("judge call failed: " + e.getClass().getSimpleName());
            }
            BigDecimal grade = firstNumber(r.text());
            if (grade == null || grade.signum() < 0 || grade.compareTo(BigDecimal.ONE) > 0) {
                return Score.wrong("judge gave no grade in [0, 1]");
            }
            double g = grade.doubleValue();
            return new Score(g, g >= passAt, g >= passAt ? null : "judge grade " + grade.toPlainString());
        });
    }

    /** {@link #llmJudge(ModelClient, Function, double)} on {@code String.valueOf(answer)}. */
    public static <O> Scorer<O> llmJudge(ModelClient judge, double passAt) {
        return llmJudge(judge, String::valueOf, passAt);
    }

    static final String JUDGE_SYSTEM = "You grade answers. Compare the answer to grade with the expected answer for the"
            + " question. Reply with one number from 0 (wrong) to 1 (fully right) and nothing else.";

    /** The normal form {@link #normalisedText} compares: NFKC, lower case, no punctuation/symbols, single spaces. */
    public static String normalise(String s) {
        if (s == null) {
            return "";
        }
        String n = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        n = PUNCTUATION.matcher(n).replaceAll(" ");
        return SPACES.matcher(n).replaceAll(" ").strip();
    }

    static BigDecimal firstNumber(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = NUMBER.matcher(s);
        return m.find() ? new BigDecimal(m.group()) : null;
    }

    static String toPointer(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("jsonField path must not be blank; e.g. \"category\" or"
                    + " \"reply.labels[0]\"");
        }
        if (path.startsWith("/")) {
            return path;
        }
        StringBuilder p = new StringBuilder();
        Matcher m = PATH_PART.matcher(path);
        int end = 0;
        while (m.find()) {
            if (m.start() != end && !(m.start() == end + 1 && path.charAt(end) == '.')) {
                throw new IllegalArgumentException("jsonField path '" + path + "' is malformed at " + end
                        + "; use dotted names and [index], e.g. \"reply.labels[0]\"");
            }
            String part = m.group(1) != null ? m.group(1) : m.group(2);
            p.append('/').append(part.replace("~", "~0").replace("/", "~1"));
            end = m.end();
        }
        if (end != path.length()) {
            throw new IllegalArgumentException("jsonField path '" + path + "' is malformed at " + end
                    + "; use dotted names and [index], e.g. \"reply.labels[0]\"");
        }
        return p.toString();
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    private static <O> Scorer<O> named(String name, BiFunction<EvalCase, O, Score> f) {
        Objects.requireNonNull(name, "name");
        return new Scorer<>() {
            @Override
            public Score score(EvalCase testCase, O answer) {
                return f.apply(testCase, answer);
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String toString() {
                return "Scorer[" + name + "]";
            }
        };
    }
}
