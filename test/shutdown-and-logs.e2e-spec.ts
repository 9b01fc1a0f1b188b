import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, startBuiltServer } from './helpers/built-server';

const JWT_SECRET = 'production-like-secret-for-the-log-test-0123456789';
const ADMIN_PASSWORD = 'admin-password-for-log-test';
const METRICS_TOKEN = 'metrics-token-for-log-test-0123456789';
const PASSWORD = 'user-password-never-logged-42';

/**
 * The built server as production runs it: JSON logs on stdout with a correlation id per request and
 * no secret, and SIGTERM closes everything and exits 0 within SHUTDOWN_TIMEOUT_MS (main.ts exits 1
 * past that bound, which fails this test).
 */
describe('built server: logs and graceful shutdown', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'chat-built-'));
  }, 300_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('logs JSON with correlation ids and no secrets, then exits 0 on SIGTERM', async () => {
    const server = await startBuiltServer(
      {
        NODE_ENV: 'production',
        DATA_DIR: join(dir, 'data'),
        DATABASE_URL: `sqlite:${join(dir, 'chat.sqlite')}`,
        JWT_SECRET,
        ADMIN_USERNAME: 'opsadmin',
        ADMIN_PASSWORD,
        METRICS_TOKEN,
        LOG_LEVEL: 'info',
        LOG_PRETTY: 'false',
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
        SHUTDOWN_TIMEOUT_MS: '8000',
      },
      dir,
    );
    try {
      const json = { 'content-type': 'application/json' };
      const register = await fetch(`${server.url}/api/v1/auth/register`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username: 'loguser', email: 'loguser@example.com', password: PASSWORD }),
      });
      expect(register.status).toBe(201);
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ usernameOrEmail: 'loguser', password: PASSWORD }),
      });
      expect(login.status).toBe(200);
      const { token, id } = (await login.json()) as { token: string; id: number };
      const me = await fetch(`${server.url}/api/v1/users/${id}`, {
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'corr-ops-42' },
      });
      expect(me.status).toBe(200);
      expect(me.headers.get('x-request-id')).toBe('corr-ops-42');
      const generated = await fetch(`${server.url}/api/v1/users/${id}?access_token=${token}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const generatedId = generated.headers.get('x-request-id');
      expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);
      const adminLogin = await fetch(`${server.url}/api/users/login`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ username: 'opsadmin', password: ADMIN_PASSWORD }),
      });
      expect(adminLogin.status).toBe(200);
      const metrics = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(metrics.status).toBe(200);

      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });

      const lines = server
        .stdout()
        .split('\n')
        .filter((l) => l.trim());
      const records = lines.map((l) => JSON.parse(l) as Record<string, any>);
      const requestLine = records.find((r) => r.req?.id === 'corr-ops-42');
      expect(requestLine).toEqual(
        expect.objectContaining({
          level: expect.any(Number),
          time: expect.any(Number),
          res: expect.anything(),
        }),
      );
      expect(requestLine!.req.url).toBe(`/api/v1/users/${id}`);
      const generatedLine = records.find((r) => r.req?.id === generatedId);
      expect(generatedLine!.req.url).toBe(`/api/v1/users/${id}?access_token=[redacted]`);
      expect(records.some((r) => /Shutting down on SIGTERM/.test(String(r.msg)))).toBe(true);

      const everything = server.stdout() + server.stderr();
      for (const secret of [token, PASSWORD, ADMIN_PASSWORD, JWT_SECRET, METRICS_TOKEN]) {
        expect(everything).not.toContain(secret);
      }
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }
  });
});
