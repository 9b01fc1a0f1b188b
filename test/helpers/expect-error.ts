import { Response } from 'supertest';

/** The response is the contract's error body with this status (and message), never a stack trace. */
export function expectError(res: Response, status: number, message?: RegExp | string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual(
    expect.objectContaining({
      status,
      error: expect.any(String),
      message: expect.any(String),
      path: expect.any(String),
      timestamp: expect.any(String),
    }),
  );
  expect(JSON.stringify(res.body)).not.toMatch(/"stack"|\bat \w+ \(/);
  if (message) expect(res.body.message).toMatch(message);
}
