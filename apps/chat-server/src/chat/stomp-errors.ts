import { HttpException } from '@nestjs/common';
import type { StompMappedError } from '@app/stomp';
import { toErrorBody } from '../common/filters/all-exceptions.filter';

/**
 * The STOMP side of the one error mapping (the broker library knows only its own `StompError`).
 * An HttpException thrown by a chat handler keeps its status and message (an array of messages
 * joined with `; `) and the `errors` of its response body, as an HTTP client would read them. Other
 * errors get what `toErrorBody` gives an HTTP client (a database that cannot be reached -> 503, a
 * lost unique race -> 400, ...). Unknown errors stay a logged 500 (undefined keeps the broker's
 * default).
 */
export function mapStompError(error: unknown): StompMappedError | undefined {
  if (error instanceof HttpException) return fromHttpException(error);
  const { body } = toErrorBody(error, '', '');
  return body.status === 500 ? undefined : { status: body.status, message: body.message };
}

function fromHttpException(error: HttpException): StompMappedError {
  const response = error.getResponse();
  const body = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
  const message = body.message ?? response ?? error.message;
  const mapped: StompMappedError = {
    status: error.getStatus(),
    message: Array.isArray(message) ? message.join('; ') : String(message),
  };
  if (body.errors !== undefined) mapped.errors = body.errors;
  return mapped;
}
