import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
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

      expect((await fetch(`${server.url}/api/v1/nowhere`)).status).toBe(404);

      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });

      const lines = server
        .stdout()
        .split('\n')
        .filter((l) => l.trim());
      const records = lines.map((l) => JSON.parse(l) as Record<string, any>);
      // No line repeats a key (JSON.parse keeps the last of a repeated key, so the line shrinks).
      for (const l of lines) expect(JSON.stringify(JSON.parse(l))).toBe(l);
      const requestLine = records.find((r) => r.reqId === 'corr-ops-42');
      expect(requestLine).toEqual(
        expect.objectContaining({
          level: 30,
          time: expect.any(Number),
          method: 'GET',
          route: '/api/v1/users/:id',
          url: `/api/v1/users/${id}`,
          statusCode: 200,
          responseTime: expect.any(Number),
          remoteAddress: '127.0.0.1',
          msg: 'request completed',
        }),
      );
      const generatedLine = records.find((r) => r.reqId === generatedId);
      expect(generatedLine!.url).toBe(`/api/v1/users/${id}?access_token=[redacted]`);
      const notFound = records.find((r) => r.url === '/api/v1/nowhere');
      expect(notFound).toEqual(expect.objectContaining({ route: 'unmatched', statusCode: 404 }));

      // Startup: the database, the migrations applied, no route-mapping chatter at info.
      const messages = records.map((r) => String(r.msg));
      expect(messages).toContain(
        `Database: sqlite:${join(dir, 'chat.sqlite')} (migrations applied at startup)`,
      );
      expect(messages.filter((m) => m.startsWith('Migration applied: ')).length).toBeGreaterThan(0);
      expect(messages.some((m) => m.startsWith('Mapped '))).toBe(false);
      expect(
        records.some((r) => ['InstanceLoader', 'RouterExplorer', 'RoutesResolver'].includes(r.context)),
      ).toBe(false);
      expect(messages.some((m) => m.startsWith('JWT secret: generated'))).toBe(false);

      // Shutdown: what was closed, and how long it took.
      expect(messages).toContain('Shutting down on SIGTERM');
      const done = records.find((r) => String(r.msg).startsWith('Shutdown complete in '));
      expect(done).toEqual(
        expect.objectContaining({
          signal: 'SIGTERM',
          durationMs: expect.any(Number),
          closed: expect.objectContaining({ http: true, database: `sqlite:${join(dir, 'chat.sqlite')}` }),
        }),
      );
      expect(server.stderr()).toBe('');

      const everything = server.stdout() + server.stderr();
      for (const secret of [token, PASSWORD, ADMIN_PASSWORD, JWT_SECRET, METRICS_TOKEN]) {
        expect(everything).not.toContain(secret);
      }
    } finally {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    }
  }, 180_000);

  it('reports where a development secret is kept, and a second start applies no migration', async () => {
    const data = join(dir, 'dev-data');
    const env = { NODE_ENV: 'development', DATA_DIR: data, LOG_LEVEL: 'info', LOG_PRETTY: 'false' };
    for (const round of [1, 2]) {
      const server = await startBuiltServer(env, dir);
      try {
        server.child.kill('SIGTERM');
        expect(await server.exited).toEqual({ code: 0, signal: null });
        const messages = server
          .stdout()
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => String((JSON.parse(l) as { msg?: unknown }).msg));
        expect(messages).toContain(
          `JWT secret: generated for development, kept in ${join(data, 'jwt-secret')}`,
        );
        if (round === 2) {
          expect(messages).toContain('Migrations: none pending, the schema is up to date');
          expect(messages.some((m) => m.startsWith('Migration applied: '))).toBe(false);
        }
      } finally {
        if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      }
    }
  }, 180_000);

  /** Starts the built server on a database URL that cannot work; returns its exit code and output. */
  async function failingStart(
    databaseUrl: string,
  ): Promise<{ code: number | null; out: string; err: string }> {
    const child = spawn(process.execPath, [ensureBuilt()], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        DATABASE_URL: databaseUrl,
        JWT_SECRET,
        LOG_PRETTY: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    return { code, out, err };
  }

  function expectOneFatalLine(run: { code: number | null; out: string; err: string }, message: RegExp): void {
    expect(run.code).toBe(1);
    expect(run.err).toBe('');
    const records = run.out
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Record<string, any>);
    const errors = records.filter((r) => r.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toEqual(
      expect.objectContaining({
        level: 60,
        msg: expect.stringMatching(message),
        database: expect.stringContaining(':***@'),
        error: expect.objectContaining({ code: expect.any(String) }),
      }),
    );
    expect(errors[0].error.stack).toBeUndefined();
    expect(run.out).not.toContain('wrong-password');
  }

  it('fails fast on a database host that does not exist, with one JSON error line', async () => {
    const run = await failingStart('mysql://chat:wrong-password@db.example.invalid:3306/chat');
    expectOneFatalLine(run, /^Startup failed: .*db\.example\.invalid/);
  });

  // The refusal needs a MySQL/MariaDB server to refuse: the CI run (TEST_DATABASE_URL set) has one.
  (process.env.TEST_DATABASE_URL ? it : it.skip)(
    'fails fast on a wrong database password, with one JSON error line (needs TEST_DATABASE_URL)',
    async () => {
      const url = new URL(process.env.TEST_DATABASE_URL!.replace(/^mariadb:/, 'mysql:'));
      url.username = 'no_such_user_for_log_test';
      url.password = 'wrong-password';
      const run = await failingStart(url.toString());
      expectOneFatalLine(run, /^Startup failed: Access denied for user/);
    },
  );
});
