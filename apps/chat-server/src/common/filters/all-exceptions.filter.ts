import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ValidationFailedException } from '../validation/validation';
import { errorBody, ErrorBody } from './error-body';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): void;
}

const UNIQUE_VIOLATIONS = new Set([
  'ER_DUP_ENTRY',
  'SQLITE_CONSTRAINT_UNIQUE',
  'SQLITE_CONSTRAINT_PRIMARYKEY',
]);
const FK_VIOLATIONS = new Set([
  'ER_NO_REFERENCED_ROW_2',
  'ER_NO_REFERENCED_ROW',
  'SQLITE_CONSTRAINT_FOREIGNKEY',
]);
const DB_UNAVAILABLE = new Set([
  'ECONNREFUSED',
  'PROTOCOL_CONNECTION_LOST',
  'ETIMEDOUT',
  'ER_CON_COUNT_ERROR',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_SERVER_SHUTDOWN',
  // DB_QUERY_TIMEOUT_MS: no pooled connection in time (MySQL/MariaDB).
  'POOL_ACQUIRE_TIMEOUT',
]);

export const SERVICE_UNAVAILABLE_MESSAGE = 'Service temporarily unavailable, retry shortly';

/** The database could not be reached (refused, reset, lost, timed out, pool closed): a 503, not a 500. */
export function isDependencyUnavailable(exception: unknown): boolean {
  if (typeof exception !== 'object' || exception === null) return false;
  const err = exception as { code?: string; driverError?: { code?: string }; message?: string };
  const code = err.code ?? err.driverError?.code ?? '';
  return (
    DB_UNAVAILABLE.has(code) ||
    // SQLite: a lock another process held past busy_timeout (DB_QUERY_TIMEOUT_MS), and its
    // extended codes (SQLITE_BUSY_SNAPSHOT, ...).
    code.startsWith('SQLITE_BUSY') ||
    /Connection lost|connect ECONNREFUSED|Pool is closed|closed state/i.test(err.message ?? '')
  );
}

/** A unique-index violation (a lost race on a unique value), on MySQL/MariaDB or SQLite. */
export function isUniqueViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && UNIQUE_VIOLATIONS.has(driverCode(err));
}

/** A foreign-key violation (the referenced row is gone), on MySQL/MariaDB or SQLite. */
export function isForeignKeyViolation(err: unknown): boolean {
  return err instanceof QueryFailedError && FK_VIOLATIONS.has(driverCode(err));
}

function driverCode(err: QueryFailedError): string {
  const e = err as QueryFailedError & { code?: string; driverError?: { code?: string } };
  return e.driverError?.code ?? e.code ?? '';
}

/** Maps any error to the contract's error body. Unknown errors are logged with a correlation id. */
export function toErrorBody(
  exception: unknown,
  path: string,
  correlationId: string,
): { body: ErrorBody; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  // Nest's Fastify error handler wraps Fastify's own 4xx errors (malformed JSON, body too large,
  // unsupported content type) in an HttpException with a generic message: map the original.
  const cause: unknown = exception instanceof HttpException ? exception.cause : undefined;
  if (
    cause &&
    !(cause instanceof HttpException) &&
    typeof (cause as { statusCode?: unknown }).statusCode === 'number'
  ) {
    exception = cause;
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    let message = exception.message;
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const m = (response as { message: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : String(m);
    }
    const retryAfter = (exception as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retryAfter) headers['retry-after'] = String(retryAfter);
    const extra = exception instanceof ValidationFailedException ? { errors: exception.errors } : {};
    return { body: errorBody(status, message, path, extra), headers };
  }
  const err = exception as {
    code?: string;
    driverError?: { code?: string };
    statusCode?: number;
    message?: string;
  };
  if (exception instanceof QueryFailedError) {
    const code = err.driverError?.code ?? err.code ?? '';
    if (UNIQUE_VIOLATIONS.has(code))
      return { body: errorBody(400, 'A resource with the same unique value already exists', path), headers };
    if (FK_VIOLATIONS.has(code))
      return { body: errorBody(404, 'A referenced resource no longer exists', path), headers };
  }
  if (isDependencyUnavailable(exception)) {
    headers['retry-after'] = '5';
    return { body: errorBody(503, SERVICE_UNAVAILABLE_MESSAGE, path), headers };
  }
  // Errors from the HTTP layer itself (body parsing, size limits, content type): client errors.
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return { body: errorBody(err.statusCode, clientErrorMessage(err), path), headers };
  }
  return {
    body: errorBody(500, 'Internal server error', path, { correlationId }),
    headers,
  };
}

function clientErrorMessage(err: { code?: string; message?: string }): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Malformed JSON request body';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'Request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type: send application/json';
    default:
      return err.message && err.message.length < 300 ? err.message : 'Bad request';
  }
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<{ url: string; id?: string; raw?: { url?: string } }>();
    const reply = ctx.getResponse<ReplyLike>();
    const correlationId = String(request.id ?? '');
    const { body, headers } = toErrorBody(exception, request.url ?? request.raw?.url ?? '', correlationId);
    if (body.status >= 500) {
      this.logger.error(
        { err: exception, correlationId, status: body.status },
        `Request failed: ${(exception as Error)?.message}`,
      );
    }
    for (const [name, value] of Object.entries(headers)) reply.header(name, value);
    reply.status(body.status).send(body);
  }
}
