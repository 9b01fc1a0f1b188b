/** Reasons a byte stream is not valid STOMP. Every decoder failure is one of these, never anything else. */
export type StompFrameErrorCode =
  | 'FRAME_TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'HEADER_LINE_TOO_LONG'
  | 'MALFORMED_HEADER'
  | 'INVALID_ESCAPE'
  | 'INVALID_CONTENT_LENGTH'
  | 'MISSING_NULL_TERMINATOR'
  | 'INVALID_COMMAND';

export class StompFrameError extends Error {
  override readonly name = 'StompFrameError';

  constructor(
    readonly code: StompFrameErrorCode,
    message: string,
  ) {
    super(message);
  }
}
