/**
 * What every REST resource shares: the JAX-RS application under {@code /api} and errors as RFC 9457
 * {@code application/problem+json}, never a stack trace.
 */
package dev.taskq.rest;
