package dev.cascade.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an {@link RoiReport} into a directory as {@value #JSON} ({@link EvalJson}) and {@value #HTML}
 * ({@link RoiHtml}: one self-contained page, no script, no network at view time). Stateless; thread-safe.
 */
public final class RoiReportWriter {
    /** The JSON file's name. */
    public static final String JSON = "roi.json";
    /** The HTML file's name. */
    public static final String HTML = "roi.html";

    private RoiReportWriter() {
    }

    /**
     * Writes both files into {@code dir} (created if missing), replacing earlier ones.
     *
     * @return the paths written: the JSON file, then the HTML file
     */
    public static List<Path> write(RoiReport report, Path dir) {
        try {
            Files.createDirectories(dir);
            Path json = dir.resolve(JSON);
            Path html = dir.resolve(HTML);
            Files.writeString(json, EvalJson.toJson(report), StandardCharsets.UTF_8);
            Files.writeString(html, RoiHtml.render(report), StandardCharsets.UTF_8);
            return List.of(json, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ROI report into " + dir + ": " + e.getMessage(), e);
        }
    }
}
