import type { Logger } from '@nestjs/common';
import { StompError } from '../stomp.error';
import type { ResolvedStompOptions, StompMappedError } from '../stomp.options';

/** What a client finds on its error destination (`/user/queue/errors` by default). */
export interface StompErrorPayload {
  status: number;
  message: string;
  destination: string;
  receiptId?: string;
  errors?: unknown;
}

const INTERNAL: StompMappedError = { status: 500, message: 'Internal server error' };

/**
 * Maps errors to what the client sees, in one place: a failed application handler becomes an
 * error-destination payload, a failed frame (e.g. a SUBSCRIBE check that threw) an ERROR frame's
 * message. A {@link StompError} carries its own status; anything else goes through the app's
 * `mapError` option and is otherwise a logged 500 `Internal server error`.
 */
export class StompExceptionHandler {
  constructor(
    private readonly options: ResolvedStompOptions,
    private readonly logger: Logger,
  ) {}

  /** The error-destination payload for a SEND whose handler failed. */
  handlerFailed(
    error: unknown,
    destination: string,
    sessionId: string,
    receiptId: string | undefined,
  ): StompErrorPayload {
    const { status, message, errors } = this.resolve(error, (mapped) => {
      if (mapped && mapped.status < 500) return;
      this.logger[mapped ? 'warn' : 'error']({
        msg: `STOMP handler for ${destination} failed`,
        sessionId,
        status: (mapped ?? INTERNAL).status,
        err: error,
      });
    });
    const payload: StompErrorPayload = { status, message, destination };
    if (errors !== undefined) payload.errors = errors;
    if (receiptId !== undefined) payload.receiptId = receiptId;
    return payload;
  }

  /** The ERROR frame message for a frame that failed with an unexpected error (the session then closes). */
  frameFailed(error: unknown, sessionId: string): string {
    return this.resolve(error, (mapped) => {
      this.logger[mapped ? 'warn' : 'error']({
        msg: 'Unexpected error while handling a STOMP frame',
        sessionId,
        status: mapped?.status,
        err: error,
      });
    }).message;
  }

  /** The 403 notice a session gets when the app revokes one of its subscriptions. */
  revoked(notice: string, destination: string): StompErrorPayload {
    return { status: 403, message: notice, destination };
  }

  /** `log` runs for errors that are not a StompError, with the app's mapping (undefined: unmapped). */
  private resolve(error: unknown, log: (mapped: StompMappedError | undefined) => void): StompMappedError {
    if (error instanceof StompError) {
      return error.errors === undefined
        ? { status: error.status, message: error.message }
        : { status: error.status, message: error.message, errors: error.errors };
    }
    const mapped = this.options.mapError?.(error);
    log(mapped);
    return mapped ?? INTERNAL;
  }
}
