import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { toErrorBody } from './common/filters/all-exceptions.filter';
import { jsonInputProblem } from './common/validation/json-input';
import { AppSettings } from './config/app-config';
import { createAppLogger } from './logging/app-logger';
import { logRequests } from './logging/request-log';
import { configureUploads } from './attachments/configure-uploads';
import { configureHttp } from './ops/configure-http';
import { cacheValidationMetadata } from './common/validation/metadata-cache';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Nest installs its own Fastify error handler at init, after the routes are registered: the routes
 * keep the handler createApp installed before (below), so Nest's would serve nothing and only
 * trigger Fastify's FSTWRN004 ("overriding an errorHandler"). It is not installed.
 */
class AppFastifyAdapter extends FastifyAdapter {
  override setErrorHandler(): ReturnType<FastifyAdapter['setErrorHandler']> {
    return this.getInstance();
  }
}

/**
 * Builds the configured application (not yet listening): used by main.ts and by every e2e test,
 * so tests run exactly what production runs.
 */
export async function createApp(settings: AppSettings): Promise<NestFastifyApplication> {
  cacheValidationMetadata();
  const adapter = new AppFastifyAdapter({
    bodyLimit: settings.bodyLimitBytes,
    trustProxy: settings.trustProxy,
    // Honour a caller's X-Request-Id when it is sane, else make one: the correlation id of logs and errors.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 200 },
    // Bad percent-encoding and over-long path parameters are refused by the router itself: the
    // same error body as everything else.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const { body, headers } = toErrorBody(error, request.url, String(request.id));
      void reply.status(body.status).headers(headers).send(body);
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  // JSON logs from the first line on: a failing bootstrap (database unreachable, bad password)
  // is logged as JSON too, not in Nest's default text format.
  const logger = createAppLogger(settings);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(settings), adapter, {
    logger,
    abortOnError: false,
    // JSON bodies only (docs/API-DECISIONS.md, "Request bodies"): Nest would add a form
    // (application/x-www-form-urlencoded) parser, with which some routes worked and others failed
    // validation on string-typed numbers. Fastify's own JSON parser stays; every other content
    // type is a 415 on every route.
    bodyParser: false,
  });
  // SIGTERM/SIGINT are handled by main.ts: it closes the app, logs what it closed, and exits.
  if (settings.corsOrigins === true || settings.corsOrigins.length) {
    app.enableCors({
      origin: settings.corsOrigins,
      credentials: true,
      exposedHeaders: ['Retry-After', 'X-Request-Id', 'Link', 'X-Has-More'],
    });
  }
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  // Errors raised by Fastify itself (malformed JSON, body too large, bad content type) get the
  // same error body as everything else. Installed before Nest registers the routes, so the routes
  // use it (a Fastify route keeps the error handler of its registration time).
  fastify.setErrorHandler((error, request, reply) => {
    const { body, headers } = toErrorBody(error, request.url, String(request.id));
    if (body.status >= 500) request.log?.error?.({ err: error }, 'Unhandled error');
    void reply.status(body.status).headers(headers).send(body);
  });
  // Hostile shapes are refused before Nest's pipes see them: a body that is not a JSON object,
  // nesting deep enough to overflow class-transformer's recursion, text with lone surrogates.
  fastify.addHook('preValidation', async (request) => {
    const body: unknown = request.body;
    const problem =
      body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))
        ? 'The request body must be a JSON object'
        : (jsonInputProblem(body) ?? jsonInputProblem(request.query) ?? jsonInputProblem(request.params));
    if (problem) throw Object.assign(new Error(problem), { statusCode: 400 });
  });
  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
  });
  logRequests(fastify, () => PinoLogger.root);
  configureHttp(app, settings);
  await configureUploads(app, settings);
  return app;
}
