/**
 * The code blocks of the README and {@code docs/}, in compiled source. Each block sits between the lines
 * {@code // tag::NAME[]} and {@code // end::NAME[]}; {@code DocsSnippetsTest} fails the build when a {@code ```java}
 * block of a markdown page differs from every tagged region (after removing common indentation and trailing
 * whitespace). To change a documented snippet, change it here, run the test, and paste the region into the page.
 *
 * <p>Nothing here is run by the examples; the methods exist to be compiled. Not API.
 */
package dev.cascade.examples.snippets;
