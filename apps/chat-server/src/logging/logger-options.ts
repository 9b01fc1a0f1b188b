import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
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

/** Structured JSON logs (pretty in a development terminal) with a correlation id per request. */
export function loggerOptions(settings: AppSettings): Params {
  return {
    pinoHttp: {
      level: settings.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (req: IncomingMessage) => (req as { id?: string | number }).id ?? randomUUID(),
      customProps: () => ({ instance: settings.instanceId }),
      autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url ?? ''),
          remoteAddress: req.remoteAddress,
        }),
      },
      transport: settings.logPretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    },
    forRoutes: ['*path'],
  };
}
