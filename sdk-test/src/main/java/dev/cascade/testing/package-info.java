/**
 * Cascade's test kit (artifact {@code dev.cascade:cascade-test}): what Cascade's own tests use to prove its chains,
 * published so you can test your chains the same way. Depends on {@code cascade-core} and the JDK only.
 *
 * <ul>
 *   <li>{@link dev.cascade.testing.VirtualTime} — a clock for a chain ({@code CascadeBuilder.timeSource}) on which
 *       backoffs, Retry-After waits, breaker open periods, deadlines and simulated latencies pass instantly.</li>
 *   <li>{@link dev.cascade.testing.ScriptedModel} — an in-process model client that answers or throws from a
 *       script, and counts calls.</li>
 *   <li>{@link dev.cascade.testing.FaultyProvider} — a real HTTP server on loopback that speaks the OpenAI chat
 *       completions and Anthropic messages APIs and answers each request with the next scripted
 *       {@link dev.cascade.testing.Fault}: 429 with Retry-After, exhausted quota, 5xx, slow headers, stalled bodies,
 *       cut connections, 401/404/400s, context too long, content filter, malformed JSON, errors inside a 200, empty
 *       completions. Point a LangChain4j or Spring AI client's base URL at it.</li>
 *   <li>{@link dev.cascade.testing.wire} — small HTTP and JSON helpers for tests of HTTP edges.</li>
 * </ul>
 *
 * <p>Every class says whether it is thread-safe; the servers bind to loopback on an ephemeral port and use daemon
 * threads only.
 */
package dev.cascade.testing;
