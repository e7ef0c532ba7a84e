/**
 * The reviewer REST API and console over a {@link dev.cascade.review.ReviewStore}: see
 * {@link dev.cascade.spring.review.CascadeReviewWebAutoConfiguration} for when they are registered,
 * {@link dev.cascade.spring.review.CascadeReviewWebProperties} for their settings, and
 * {@link dev.cascade.spring.review.CascadeReviewSecurity} for the one security rule they need.
 */
package dev.cascade.spring.review;
