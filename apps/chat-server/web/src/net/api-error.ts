// Its own module so that views can tell a server error apart without importing the REST client.

/** A failed request, carrying the server's error body (status, message, field errors). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly path: string,
    readonly error = '',
    readonly fieldErrors: { field: string; message: string }[] = [],
  ) {
    super(message);
  }
}
