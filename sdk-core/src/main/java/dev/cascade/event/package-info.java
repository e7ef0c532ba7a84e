/** The events a chain reports to its {@link dev.cascade.spi.CascadeListener}s, one immutable record each. */
package dev.cascade.event;
