import type { StompMappedError } from '@app/stomp';
import { toErrorBody } from '../common/filters/all-exceptions.filter';

/**
 * The STOMP side of the one error mapping: what `toErrorBody` gives an HTTP client (a database
 * that cannot be reached -> 503, a lost unique race -> 400, ...) is what a STOMP SEND gets on
 * `/user/queue/errors`. Unknown errors stay a logged 500 (undefined keeps the broker's default).
 */
export function mapStompError(error: unknown): StompMappedError | undefined {
  const { body } = toErrorBody(error, '', '');
  return body.status === 500 ? undefined : { status: body.status, message: body.message };
}
