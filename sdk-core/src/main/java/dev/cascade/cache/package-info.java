/**
 * The response cache: exact and semantic lookup of answers a chain already gave, confined to a scope that includes
 * the chain, the tenant, the answering configuration and a user-chosen namespace.
 */
package dev.cascade.cache;
