import { hostname } from 'node:os';
import { Params } from 'nestjs-pino';
import { AppSettings } from '../config/app-config';

/** Header names whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-auth-token"]',
  'req.headers["x-metrics-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passcode',
  '*.token',
];

const SECRET_QUERY = /([?&](?:access_token|token|passcode|password)=)[^&#]*/gi;

/** The request URL with token-like query parameters masked (SockJS clients cannot send headers). */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/**
 * Structured JSON logs (pretty in a development terminal). nestjs-pino provides the Nest logger over
 * one root pino logger; its per-request pino-http middleware is not mounted (`forRoutes: []`): the
 * request line is written by a Fastify hook instead (see request-log.ts), which costs no middleware
 * pass, no child logger and no AsyncLocalStorage context per request. Every line carries the
 * instance id; request lines and error logs carry the request's correlation id.
 */
export function loggerOptions(settings: AppSettings): Params {
  return {
    pinoHttp: {
      level: settings.logLevel,
      base: { pid: process.pid, hostname: hostname(), instance: settings.instanceId },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      transport: settings.logPretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    },
    forRoutes: [],
  };
}
