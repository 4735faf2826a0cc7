import type { FastifyInstance } from 'fastify';

/** The API answers JSON only: nothing may load from it, frame it or run in its name. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Swagger UI: its scripts, styles and images from this gateway only (its inline <style> blocks and style
 * attributes need 'unsafe-inline' for styles; no inline script runs), calls to this gateway only, never framed.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const DOCS_PATH = /^\/docs(\/|$|\?)/;

/**
 * The usual security headers on every answer: no MIME sniffing, no referrer, no framing, a content
 * security policy (a strict one on the docs page), and no-store on every answer to a request that
 * carried credentials, so no shared cache or browser history keeps what a key was shown.
 */
export function addSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header(
      'content-security-policy',
      DOCS_PATH.test(request.url) ? DOCS_CONTENT_SECURITY_POLICY : API_CONTENT_SECURITY_POLICY,
    );
    if (request.headers.authorization !== undefined) reply.header('cache-control', 'no-store');
  });
}
