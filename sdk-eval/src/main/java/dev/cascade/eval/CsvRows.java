package dev.cascade.eval;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/** An RFC 4180 row reader that knows the line each row starts on. Not thread-safe; used by {@link DatasetReader}. */
final class CsvRows {
    private final String source;
    private final Reader in;
    private final long maxChars;
    private long chars;
    private long line = 1;
    private long rowLine;
    private int pushedBack = -2;

    CsvRows(String source, Reader in, long maxChars) {
        this.source = source;
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The line the row last returned by {@link #next()} started on. */
    long rowLine() {
        return rowLine;
    }

    /** The next row's fields, or {@code null} at the end. */
    List<String> next() {
        int c = read();
        if (c == -1) {
            return null;
        }
        rowLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        while (true) {
            if (quoted) {
                if (c == -1) {
                    throw new DatasetException(source, rowLine, null, "a quoted field is never closed; end it with \"");
                }
                if (c == '"') {
                    int n = read();
                    if (n == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        c = n;
                        continue;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append((char) c);
                }
            } else if (c == -1 || c == '\n' || c == '\r') {
                if (c == '\r') {
                    int n = read();
                    if (n != '\n') {
                        unread(n);
                    }
                }
                if (c != -1) {
                    line++;
                }
                fields.add(field.toString());
                return fields;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '"') {
                if (field.length() > 0 || wasQuoted) {
                    throw new DatasetException(source, line, null, "a double quote inside an unquoted field; quote"
                            + " the whole field and double the quote (\"say \"\"hi\"\"\")");
                }
                quoted = true;
                wasQuoted = true;
            } else {
                if (wasQuoted) {
                    throw new DatasetException(source, line, null, "text after a closing quote; put the whole field"
                            + " in quotes");
                }
                field.append((char) c);
            }
            c = read();
        }
    }

    private int read() {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        try {
            int c = in.read();
            if (c != -1 && ++chars > maxChars) {
                throw new DatasetException(source, line, null, "data set is over the size limit of " + maxChars
                        + " characters; split it or raise DatasetReader.maxBytes");
            }
            return c;
        } catch (IOException e) {
            throw Dataset.unreadable(source, e);
        }
    }

    private void unread(int c) {
        pushedBack = c;
    }
}
