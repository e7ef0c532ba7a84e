/**
 * Servlet pieces Cascade's HTTP endpoints share and applications may reuse for their own: a request body limit that
 * refuses an oversize body before anything parses it.
 */
package dev.cascade.spring.web;
