/**
 * Plumbing shared by Cascade's JDBC stores ({@code dev.cascade.budget.JdbcBudgetLedger},
 * {@code dev.cascade.review.JdbcReviewStore}): which databases they support and how they retry a transaction that
 * lost to a concurrent one. Not API: anything here may change in any release. Uses {@code java.sql} only.
 */
package dev.cascade.jdbc;
