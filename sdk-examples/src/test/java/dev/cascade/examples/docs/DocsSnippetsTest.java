package dev.cascade.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every code block of README.md and docs/*.md compiles or loads: {@code ```java} blocks are tagged regions of compiled
 * source, {@code ```yaml} blocks parse (and Cascade starts on those under {@code cascade:}), {@code ```xml} blocks are
 * well-formed. The nested class proves the checker fails on drifted blocks.
 */
class DocsSnippetsTest {

    private static final Path ROOT = DocsSnippets.repositoryRoot(Path.of(""));

    private static List<DocsSnippets.Block> allBlocks() {
        List<DocsSnippets.Block> blocks = new ArrayList<>();
        DocsSnippets.pages(ROOT).forEach(page -> blocks.addAll(DocsSnippets.blocks(page)));
        return blocks;
    }

    @Test
    void everyJavaBlockIsATaggedRegionOfCompiledSource() {
        List<DocsSnippets.Block> blocks = allBlocks();
        assertThat(blocks).filteredOn(b -> b.lang().equals("java"))
                .as("the README's quick start and the docs' snippets are found")
                .hasSizeGreaterThanOrEqualTo(9)
                .anySatisfy(b -> assertThat(b.page().getFileName()).hasToString("README.md"));
        List<String> problems = DocsSnippets.javaProblems(ROOT, blocks, DocsSnippets.regions(ROOT));
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    @Test
    void everyYamlBlockLoadsAndCascadeStartsOnItsChains() {
        List<DocsSnippets.Block> blocks = allBlocks();
        assertThat(blocks).filteredOn(b -> b.lang().equals("yaml") && b.text().contains("cascade:"))
                .as("the README's Spring quick start and the example's configuration").hasSizeGreaterThanOrEqualTo(2);
        List<String> problems = DocsYaml.problems(ROOT, blocks);
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    @Test
    void everyXmlBlockIsWellFormed() {
        List<DocsSnippets.Block> blocks = allBlocks();
        assertThat(blocks).filteredOn(b -> b.lang().equals("xml")).isNotEmpty();
        List<String> problems = DocsSnippets.xmlProblems(ROOT, blocks);
        assertThat(problems).as(String.join("\n", problems)).isEmpty();
    }

    /** The checker itself, on deliberately drifted blocks. */
    @Nested
    class Checker {

        @TempDir
        Path repo;

        private Path page(String markdown) throws IOException {
            Files.writeString(repo.resolve("pom.xml"), "<project/>");
            Files.createDirectories(repo.resolve("sdk-core"));
            Path readme = repo.resolve("README.md");
            Files.writeString(readme, markdown);
            return readme;
        }

        private void source(String path, String text) throws IOException {
            Path file = repo.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        }

        private static final String SOURCE = """
                class Snippets {
                    void quickStart() {
                        // tag::chain[]
                        Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                                .deadline(Duration.ofSeconds(10))  \s
                                .build();
                        // end::chain[]
                    }
                }
                """;

        @Test
        void aDriftedJavaBlockFailsNamingThePageLineAndTheClosestRegion() throws IOException {
            source("sdk-examples/src/main/java/Snippets.java", SOURCE);
            Path readme = page("""
                    # Title

                    ```java
                    Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                            .deadline(Duration.ofSeconds(5))
                            .build();
                    ```
                    """);
            List<String> problems = DocsSnippets.javaProblems(repo, DocsSnippets.blocks(readme),
                    DocsSnippets.regions(repo));
            assertThat(problems).singleElement().asString()
                    .startsWith("README.md:3: ")
                    .contains("sdk-examples/src/main/java/Snippets.java:3 (tag::chain[])")
                    .contains("first difference at the page's line 5")
                    .contains("the page has `.deadline(Duration.ofSeconds(5))`")
                    .contains("the source has `.deadline(Duration.ofSeconds(10))`");
        }

        @Test
        void aBlockEqualToARegionPassesWhateverItsIndentationAndTrailingSpaces() throws IOException {
            source("sdk-examples/src/main/java/Snippets.java", SOURCE);
            Path readme = page("""
                    - in a list:

                      ```java
                      Cascade<String, String> chain = Cascade.<String, String>builder("triage")
                              .deadline(Duration.ofSeconds(10))
                              .build();
                      ```
                    """);
            assertThat(DocsSnippets.javaProblems(repo, DocsSnippets.blocks(readme), DocsSnippets.regions(repo)))
                    .isEmpty();
        }

        @Test
        void regionsOutsideSrcTreesAndInTargetDirectoriesDoNotCount() throws IOException {
            source("sdk-examples/target/generated/Snippets.java", SOURCE);
            source("notes/Snippets.java", SOURCE);
            Path readme = page("```java\n.build();\n```\n");
            assertThat(DocsSnippets.regions(repo)).isEmpty();
            assertThat(DocsSnippets.javaProblems(repo, DocsSnippets.blocks(readme), DocsSnippets.regions(repo)))
                    .singleElement().asString().contains("No region shares a line with it.");
        }

        @Test
        void aRealDocumentedBlockThatDriftsFromItsSourceFails() {
            List<DocsSnippets.Block> blocks = DocsSnippets.blocks(ROOT.resolve("README.md"));
            DocsSnippets.Block quickStart = blocks.stream()
                    .filter(b -> b.lang().equals("java") && b.text().contains("builder(\"support-triage\")"))
                    .findFirst().orElseThrow();
            DocsSnippets.Block drifted = new DocsSnippets.Block(quickStart.page(), quickStart.line(), "java",
                    quickStart.text().replace("r.maxAttempts(2)", "r.maxAttempts(3)"));
            assertThat(drifted.text()).isNotEqualTo(quickStart.text());

            List<String> problems = DocsSnippets.javaProblems(ROOT, List.of(drifted), DocsSnippets.regions(ROOT));

            assertThat(problems).singleElement().asString()
                    .startsWith("README.md:" + quickStart.line() + ": ")
                    .contains("QuickStart.java")
                    .contains("r.maxAttempts(3)");
        }

        @Test
        void aMisspelledCascadeKeyFailsNamingTheKeyAndItsLine() {
            List<String> problems = DocsYaml.check("docs/x.md:10", 10, """
                    cascade:
                      chains:
                        triage:
                          steps:
                            - name: advanced
                              model: advancedModel
                              timout: 5s
                    """);
            assertThat(problems).singleElement().asString()
                    .contains("cascade.chains.triage.steps[0].timout")
                    .contains("the page's line 17")
                    .contains("is not a Cascade property");
        }

        @Test
        void aValueOfTheWrongTypeFails() {
            List<String> problems = DocsYaml.check("docs/x.md:1", 1, """
                    cascade:
                      chains:
                        triage:
                          deadline: 10 seconds
                          steps:
                            - model: advancedModel
                    """);
            assertThat(problems).singleElement().asString().contains("cascade.chains.triage.deadline");
        }

        @Test
        void aValueCascadeRefusesAtStartupFails() {
            List<String> problems = DocsYaml.check("docs/x.md:1", 1, """
                    cascade:
                      chains:
                        triage:
                          steps:
                            - name: advanced
                              model: advancedModel
                              retry:
                                max-attempts: 0
                            - name: human
                              human-review: true
                    """);
            assertThat(problems).singleElement().asString()
                    .contains("Cascade does not start on this ```yaml block")
                    .contains("cascade.chains.triage.steps[0].retry.max-attempts: ")
                    .contains("must be in [1, 100], was 0");
        }

        @Test
        void aCorrectChainWithBeansStartsAndOtherYamlOnlyParses() {
            assertThat(DocsYaml.check("docs/x.md:1", 1, """
                    cascade:
                      review:
                        web:
                          base-path: /review
                      chains:
                        triage:
                          accept: answerFormat
                          router: byLength
                          steps:
                            - name: advanced
                              model: advancedModel
                            - name: greeting
                              bean: greeting
                            - name: human
                              human-review: true
                          budget:
                            per-day: 20.00
                    """)).isEmpty();
            assertThat(DocsYaml.check("docs/x.md:1", 1, "management:\n  endpoints.web.exposure.include: health\n"))
                    .isEmpty();
            assertThat(DocsYaml.check("docs/x.md:1", 1, "management:\n  endpoints: [unclosed\n"))
                    .singleElement().asString().contains("does not parse");
        }

        @Test
        void malformedXmlFailsNamingTheLine() throws IOException {
            Path readme = page("""
                    ```xml
                    <dependency>
                      <groupId>dev.cascade</groupId>
                      <artifactId>cascade-core</artifactId>
                    </dependenc>
                    ```
                    """);
            assertThat(DocsSnippets.xmlProblems(repo, DocsSnippets.blocks(readme))).singleElement().asString()
                    .startsWith("README.md:1: ")
                    .contains("the page's line 5");
        }
    }
}
