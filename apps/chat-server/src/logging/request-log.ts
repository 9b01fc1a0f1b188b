import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { redactUrl } from './logger-options';

/** Paths polled by orchestrators and scrapers: not worth a line per call. */
const UNLOGGED = /^\/(health|metrics)/;

/**
 * One JSON line per completed HTTP request, with flat keys an operator can grep:
 * `reqId` (the correlation id), `method`, `route` (the route pattern, `unmatched` for a 404),
 * `url` (token-like query parameters masked), `statusCode`, `responseTime` (ms) and
 * `remoteAddress` (the client; with TRUST_PROXY the address the proxy reports in X-Forwarded-For).
 * Level `error` for 5xx, else `info`. Nothing is built when the level is disabled.
 *
 * The keys are not `req`/`res`: the root logger comes from pino-http, whose serializers for those
 * keys expect Node's request/response objects and turned these values into `statusCode: null`
 * without an address.
 */
export function logRequests(fastify: FastifyInstance, logger: () => Logger | undefined): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const log = logger();
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : 'info';
    if (log?.isLevelEnabled(level) && !UNLOGGED.test(request.url)) {
      log[level](
        {
          reqId: String(request.id),
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          url: redactUrl(request.url),
          statusCode: status,
          responseTime: Math.round(reply.elapsedTime),
          remoteAddress: request.ip,
        },
        status >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}
