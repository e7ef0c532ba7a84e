/**
 * Low-level helpers for tests of HTTP edges, part of the test kit ({@code cascade-test}) but smaller and less settled
 * than {@link dev.cascade.testing}: {@link dev.cascade.testing.wire.KeepAliveServer} (a keep-alive HTTP server whose
 * script can drop a connection, for testing how a client retries on a stale pooled connection),
 * {@link dev.cascade.testing.wire.RawHttp} (requests a well-behaved client cannot send: a declared body length that is
 * never delivered, endless chunks) and {@link dev.cascade.testing.wire.MiniJson} (a tiny JSON reader, so a test
 * needs no JSON library to look at a recorded request or response). JDK only.
 */
package dev.cascade.testing.wire;
