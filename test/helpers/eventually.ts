/**
 * Waiting for what the server does after it answered (notifications, pushes, files swept):
 * conditions polled to a bound, never fixed sleeps.
 */

/** Polls `check` until it returns true; throws naming `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Runs an assertion until it passes and returns its value; after `timeoutMs` the assertion's own
 * failure is thrown, so the report shows the expected and received values.
 */
export async function eventuallyPasses<T>(
  assertion: () => Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
