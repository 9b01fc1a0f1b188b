/**
 * An error a `@MessageMapping` handler (or an authorizer) throws to answer the client with a status:
 * the broker turns it into `{status, message, destination, errors?}` on the session's error
 * destination. The library throws only this type (and plain errors for programming mistakes); an
 * application maps its own error types to it (or to {@link StompMappedError}) with the `mapError`
 * option.
 */
export class StompError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Field-level details (e.g. validation problems), sent as `errors` when set. */
    readonly errors?: unknown,
  ) {
    super(message);
    this.name = 'StompError';
  }
}
