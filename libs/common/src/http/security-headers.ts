import type { FastifyInstance } from 'fastify';
import helmet, { HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * helmet's headers, computed once at boot: they depend only on the options, and @fastify/helmet rebuilt the
 * whole middleware chain (re-parsing the CSP) on every request — 18–27 µs each (docs/performance.md).
 */
export function staticSecurityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: string | number) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(options)(
    {} as IncomingMessage,
    collector as unknown as ServerResponse,
    (error?: unknown) => (failure = error),
  );
  if (failure) throw failure instanceof Error ? failure : new Error('helmet refused the options');
  return headers;
}

/**
 * What a JSON response needs, per the OWASP REST Security Cheat Sheet ("Security Headers"): no caching, no
 * framing, no MIME sniffing, HTTPS only. helmet's other headers (DNS prefetch, download options, cross-domain
 * policies, COOP, Origin-Agent-Cluster, Referrer-Policy, X-XSS-Protection, a document CSP) act on HTML
 * documents, so only the document routes get them: every header is work on every response (the API set is
 * half the size; docs/performance.md). A route's own Cache-Control (@Header) replaces the default.
 */
export function apiSecurityHeaders(documentHeaders: Record<string, string>): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    ...(documentHeaders['strict-transport-security']
      ? { 'strict-transport-security': documentHeaders['strict-transport-security'] }
      : {}),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
}

export interface SecurityHeadersOptions {
  /** helmet's options for the HTML routes */
  helmet: HelmetOptions;
  /** path prefixes that serve HTML documents (Swagger UI, the SPA); every other response gets the API set */
  documentPaths: string[];
}

export function registerSecurityHeaders(fastify: FastifyInstance, options: SecurityHeadersOptions): void {
  const documentHeaders = staticSecurityHeaders(options.helmet);
  const apiHeaders = apiSecurityHeaders(documentHeaders);
  const { documentPaths } = options;
  const isDocument = (url: string): boolean => documentPaths.some((prefix) => url.startsWith(prefix));
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(isDocument(request.url) ? documentHeaders : apiHeaders);
    done();
  });
}
