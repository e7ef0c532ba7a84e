/**
 * Actuator support: a health indicator per chain ({@code UP}, {@code DEGRADED}, {@code DOWN}) under the
 * {@code cascade} contributor, and the {@code /actuator/cascade} endpoint.
 */
package dev.cascade.spring.actuate;
