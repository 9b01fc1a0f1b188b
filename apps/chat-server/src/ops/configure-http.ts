import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { HelmetOptions } from 'helmet';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppSettings } from '../config/app-config';
import { Logger } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { setupApiDocs } from './api-docs';
import { ConnectionLimiter, effectiveMaxConnections } from './connection-limits';

/**
 * Content-Security-Policy for the app's own web page and the Swagger UI: same-origin scripts only,
 * inline styles (Swagger UI has a <style> block), STOMP over ws:/wss: and SockJS XHR to 'self'.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/**
 * The security headers helmet sets for these options, computed once. Helmet's headers depend only on
 * its options (no per-request nonces here), so running its middleware once against a recording
 * response gives the exact set; @fastify/helmet instead rebuilt the middleware, and re-parsed the CSP,
 * on every request (1.7 % of the server's CPU on the REST history route).
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return headers;
}

/** `/api/**`, the API documentation aside (public and the same for everyone). */
export function isApiAnswer(url: string): boolean {
  return url.startsWith('/api/') && !url.startsWith('/api/docs');
}

/**
 * The security headers of every answer of the app, computed once per settings: the REST routes and
 * the web page (configureHttp), and the SockJS endpoint (chat.module.ts).
 */
export function appSecurityHeaders(settings: Pick<AppSettings, 'nodeEnv'>): Record<string, string> {
  return securityHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Same-origin scripts are fine; the docs and web page need no cross-origin embedding rules.
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: settings.nodeEnv === 'production' ? undefined : false,
  });
}

/** Security headers, HTTP metrics and the API docs (called by createApp, before routes are mapped). */
export function configureHttp(app: NestFastifyApplication, settings: AppSettings): void {
  const headers = appSecurityHeaders(settings);
  const fastify = app.getHttpAdapter().getInstance();
  // Every response, 404s and errors included (onRequest runs before routing decides anything).
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers);
    // API answers are per user (or a token, for the login): no cache, shared or private, may keep
    // them. A route that wants otherwise sets its own Cache-Control, which replaces this one.
    if (isApiAnswer(request.url)) void reply.header('cache-control', 'no-store');
    done();
  });
  app.get(MetricsService).instrumentHttp(fastify);
  if (settings.apiDocs) setupApiDocs(app);
  limitConnections(app, settings);
}

/** Caps and timeouts for the sockets of the HTTP port (ops/connection-limits.ts), fed to /metrics. */
function limitConnections(app: NestFastifyApplication, settings: AppSettings): void {
  const { maxConnections, lowered } = effectiveMaxConnections(settings.connections.maxConnections);
  if (lowered) new Logger('Connections').warn(lowered);
  const limiter = new ConnectionLimiter({ ...settings.connections, maxConnections });
  limiter.attach(app.getHttpAdapter().getInstance().server);
  app.get(MetricsService).bindConnectionStats(() => limiter.stats());
}
