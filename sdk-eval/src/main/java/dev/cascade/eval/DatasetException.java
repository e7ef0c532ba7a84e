package dev.cascade.eval;

/**
 * A data set could not be read: a malformed line, a missing field, a duplicate id, or a file over its size limit.
 * The message names the file and line, the field and the fix, e.g.
 * {@code tickets.jsonl:12: field 'input' is missing; every case needs an input text}.
 */
public class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String field;

    public DatasetException(String source, long line, String field, String message) {
        this(source, line, field, message, null);
    }

    public DatasetException(String source, long line, String field, String message, Throwable cause) {
        super(source + (line > 0 ? ":" + line : "") + ": " + message, cause);
        this.source = source;
        this.line = line;
        this.field = field;
    }

    /** The file (or source name) being read. */
    public String source() {
        return source;
    }

    /** The 1-based line the problem is on; 0 when it concerns the whole file. */
    public long line() {
        return line;
    }

    /** The field at fault, or {@code null} when the line itself is malformed. */
    public String field() {
        return field;
    }
}
