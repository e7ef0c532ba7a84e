/** Helpers for users' own tests of chains: {@link dev.cascade.testing.VirtualTime} runs fault timelines without sleeping. */
package dev.cascade.testing;
