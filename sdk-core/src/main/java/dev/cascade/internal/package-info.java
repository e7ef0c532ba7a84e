/**
 * The engine. Not API: anything here may change in any release. Public only so the root package can reach it; no
 * public signature outside this package mentions a type from it.
 */
package dev.cascade.internal;
