/**
 * The Spring Boot code blocks of the README and {@code docs/} (see {@link dev.cascade.examples.snippets}). These
 * classes carry Spring annotations so that they compile as printed; no application scans this package.
 */
package dev.cascade.examples.snippets.spring;
