import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { redactUrl } from './logger-options';

/** Paths polled by orchestrators and scrapers: not worth a line per call. */
const UNLOGGED = /^\/(health|metrics)/;

/**
 * One JSON line per completed HTTP request: `req` (correlation id, method, URL with token-like query
 * parameters masked, client address), `res.statusCode`, `responseTime` in ms; level `error` for 5xx,
 * else `info`. Nothing is built when the level is disabled.
 */
export function logRequests(fastify: FastifyInstance, logger: () => Logger | undefined): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const log = logger();
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : 'info';
    if (log?.isLevelEnabled(level) && !UNLOGGED.test(request.url)) {
      log[level](
        {
          req: {
            id: String(request.id),
            method: request.method,
            url: redactUrl(request.url),
            remoteAddress: request.ip,
          },
          res: { statusCode: status },
          responseTime: Math.round(reply.elapsedTime),
        },
        status >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}
