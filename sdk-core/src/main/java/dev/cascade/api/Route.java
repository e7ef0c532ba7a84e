package dev.cascade.api;

/**
 * Where an execution entered the chain, as chosen by the chain's router.
 *
 * @param firstStep the name of the step the execution started at
 * @param routed    whether a router chose it (false: the chain has no router, or the router's choice was unusable)
 * @param reason    why; e.g. {@code "router"}, {@code "no router"}, or what was wrong with the router's answer
 */
public record Route(String firstStep, boolean routed, String reason) {
}
