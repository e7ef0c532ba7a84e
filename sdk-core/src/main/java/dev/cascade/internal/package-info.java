/**
 * The engine. Not API: anything here may change in any release. Public only so the root package can reach it:
 * nothing else imports it, and no public signature outside this package mentions a type from it (a test checks both).
 */
package dev.cascade.internal;
