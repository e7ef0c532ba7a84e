package dev.cascade.examples.docs;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.xml.sax.InputSource;

/**
 * Reads the code blocks of the README and {@code docs/} and the tagged regions of the repository's sources, and says
 * which blocks drifted. A {@code ```java} block must equal a region between {@code // tag::NAME[]} and
 * {@code // end::NAME[]} in a {@code .java} file under some {@code src/} tree, after {@link #normalize}; an
 * {@code ```xml} block must be well-formed (several sibling elements allowed). YAML is checked by
 * {@link DocsYaml}. Every problem names the page and line of the block.
 */
final class DocsSnippets {

    /** A fenced code block of a markdown page; {@code line} is the 1-based line of its opening fence. */
    record Block(Path page, int line, String lang, String text) {
        String where(Path root) {
            return root.relativize(page) + ":" + line;
        }
    }

    /** A tagged region of a source file; {@code line} is the 1-based line of its {@code tag::} marker. */
    record Region(Path file, int line, String name, String text) {
        String where(Path root) {
            return root.relativize(file) + ":" + line + " (tag::" + name + "[])";
        }
    }

    private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([^`\\s]*).*$");
    private static final Pattern TAG = Pattern.compile("^\\s*//\\s*tag::([\\w.-]+)\\[\\]\\s*$");
    private static final Pattern END = Pattern.compile("^\\s*//\\s*end::([\\w.-]+)\\[\\]\\s*$");

    private DocsSnippets() {
    }

    /** The repository's root: the nearest directory upwards from {@code start} holding README.md and a pom.xml. */
    static Path repositoryRoot(Path start) {
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("sdk-core"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (README.md, pom.xml, sdk-core/) above " + start);
    }

    /** README.md and every {@code .md} file under {@code docs/}, in a stable order. */
    static List<Path> pages(Path root) {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> s = Files.walk(docs)) {
                s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pages;
    }

    /** The fenced code blocks of one markdown page. An unclosed fence is an error. */
    static List<Block> blocks(Path page) {
        List<String> lines = read(page);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1);
            String fence = open.group(2);
            String lang = open.group(3).toLowerCase(java.util.Locale.ROOT);
            StringBuilder text = new StringBuilder();
            int j = i + 1;
            for (; j < lines.size(); j++) {
                String l = lines.get(j);
                String stripped = l.strip();
                if (stripped.startsWith(fence) && stripped.chars().allMatch(c -> c == fence.charAt(0))) {
                    break;
                }
                text.append(l.startsWith(indent) ? l.substring(indent.length()) : l.stripLeading()).append('\n');
            }
            if (j == lines.size()) {
                throw new IllegalStateException(page + ":" + (i + 1) + ": code block is never closed");
            }
            blocks.add(new Block(page, i + 1, lang, text.toString()));
            i = j;
        }
        return blocks;
    }

    /** Every tagged region in the {@code .java} files under a {@code src} directory of the repository. */
    static List<Region> regions(Path root) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    boolean skip = !dir.equals(root) && (name.startsWith(".") || name.startsWith("target")
                            || name.equals("node_modules"));
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String rel = root.relativize(file).toString().replace('\\', '/');
                    if (rel.endsWith(".java") && (rel.startsWith("src/") || rel.contains("/src/"))) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.sort(null);
        List<Region> regions = new ArrayList<>();
        for (Path file : files) {
            regions.addAll(regions(file, read(file)));
        }
        return regions;
    }

    /** The tagged regions of one source text; nested markers of other tags are left out of a region's text. */
    static List<Region> regions(Path file, List<String> lines) {
        List<Region> regions = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher tag = TAG.matcher(lines.get(i));
            if (!tag.matches()) {
                continue;
            }
            String name = tag.group(1);
            StringBuilder text = new StringBuilder();
            int j = i + 1;
            for (; j < lines.size(); j++) {
                Matcher end = END.matcher(lines.get(j));
                if (end.matches() && end.group(1).equals(name)) {
                    break;
                }
                if (!end.matches() && !TAG.matcher(lines.get(j)).matches()) {
                    text.append(lines.get(j)).append('\n');
                }
            }
            if (j == lines.size()) {
                throw new IllegalStateException(file + ":" + (i + 1) + ": tag::" + name + "[] has no end::" + name
                        + "[]");
            }
            regions.add(new Region(file, i + 1, name, text.toString()));
        }
        return regions;
    }

    /**
     * Text as compared: trailing whitespace removed from every line, blank lines at both ends dropped, and the
     * indentation common to all non-blank lines removed.
     */
    static String normalize(String text) {
        List<String> lines = new ArrayList<>(text.lines().map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.get(0).isEmpty()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int common = lines.stream().filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return String.join("\n", lines.stream().map(l -> l.isEmpty() ? l : l.substring(common)).toList());
    }

    /** One message per {@code ```java} block that equals no region, naming the block, the closest region, the line. */
    static List<String> javaProblems(Path root, List<Block> blocks, List<Region> regions) {
        Map<String, Region> byText = new LinkedHashMap<>();
        regions.forEach(r -> byText.putIfAbsent(normalize(r.text()), r));
        List<String> problems = new ArrayList<>();
        for (Block b : blocks) {
            if (!b.lang().equals("java")) {
                continue;
            }
            String text = normalize(b.text());
            if (byText.containsKey(text)) {
                continue;
            }
            problems.add(b.where(root) + ": this ```java block equals no tagged region of the sources. "
                    + closest(root, text, b.line(), regions)
                    + " Put the code between // tag::NAME[] and // end::NAME[] in compiled source (e.g. "
                    + "sdk-examples/src/main/java/dev/cascade/examples/snippets/) and paste that region here.");
        }
        return problems;
    }

    private static String closest(Path root, String text, int blockLine, List<Region> regions) {
        List<String> lines = text.lines().toList();
        Region best = null;
        int bestScore = 0;
        for (Region r : regions) {
            Set<String> theirs = new HashSet<>(normalize(r.text()).lines().map(String::strip).toList());
            int score = (int) lines.stream().map(String::strip).filter(l -> !l.isEmpty() && theirs.contains(l)).count();
            if (score > bestScore) {
                best = r;
                bestScore = score;
            }
        }
        if (best == null) {
            return "No region shares a line with it.";
        }
        List<String> theirs = normalize(best.text()).lines().toList();
        int n = 0;
        while (n < lines.size() && n < theirs.size() && lines.get(n).equals(theirs.get(n))) {
            n++;
        }
        String page = n < lines.size() ? "`" + lines.get(n).strip() + "`" : "(the block ends)";
        String source = n < theirs.size() ? "`" + theirs.get(n).strip() + "`" : "(the region ends)";
        return "Closest region: " + best.where(root) + "; first difference at the page's line " + (blockLine + 1 + n)
                + ": the page has " + page + ", the source has " + source + ".";
    }

    /** One message per {@code ```xml} block that is not well-formed XML. */
    static List<String> xmlProblems(Path root, List<Block> blocks) {
        List<String> problems = new ArrayList<>();
        for (Block b : blocks) {
            if (!b.lang().equals("xml")) {
                continue;
            }
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                var builder = f.newDocumentBuilder();
                builder.setErrorHandler(null);
                builder.parse(new InputSource(new StringReader("<snippet>\n" + b.text() + "</snippet>")));
            } catch (org.xml.sax.SAXParseException e) {
                problems.add(b.where(root) + ": this ```xml block is not well-formed XML at the page's line "
                        + (b.line() + e.getLineNumber() - 1) + ": " + e.getMessage());
            } catch (Exception e) {
                problems.add(b.where(root) + ": this ```xml block is not well-formed XML: " + e.getMessage());
            }
        }
        return problems;
    }

    static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
