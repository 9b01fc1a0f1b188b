import { MetricsServer } from '../../apps/chat-server/src/metrics/metrics-server';
import { createUser, TestUser } from '../factories/users';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { call, errorBodyProblem, HttpResult } from './support/attack-http';

const METRICS_TOKEN = 'metrics-token-for-the-hardening-spec-0123456789';
const DOCS = ['/api/docs', '/api/docs-json', '/api/docs-yaml'];

/**
 * What the operator's surfaces give away to an attacker with one account, in production: the
 * metrics (sessions, routes, pool sizes, memory) are closed unless the operator sets a token or a
 * port of their own; the API documentation is off unless asked for; and no API answer (the login's
 * token included) may be kept by a cache between the user and the server.
 */
describe('attack: operational surfaces in production', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string>) => {
    const t = await startTestApp({ NODE_ENV: 'production', ...env });
    apps.push(t);
    return t;
  };
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  let probes = 0;
  const statuses: number[] = [];
  const probe = async (
    t: TestApp,
    method: string,
    path: string,
    options: Parameters<typeof call>[3] = {},
  ) => {
    probes++;
    const res = await call(t.url, method, path, options);
    statuses.push(res.status);
    return res;
  };

  it('keeps /metrics and the API docs closed by default, whatever the caller holds', async () => {
    const t = await start({});
    const user = await createUser(t);
    const attempts: [string, HttpResult][] = [];
    const headerSets: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${user.token}` },
      { authorization: 'Bearer ' },
      { 'x-metrics-token': '' },
      { 'x-metrics-token': 'guess' },
    ];
    for (const headers of headerSets) {
      attempts.push([`/metrics ${JSON.stringify(headers)}`, await probe(t, 'GET', '/metrics', { headers })]);
    }
    for (const path of DOCS) attempts.push([path, await probe(t, 'GET', path, { token: user.token })]);

    expect(
      attempts.filter(([, res]) => res.status !== 404).map(([what, res]) => `${what}: ${res.status}`),
    ).toEqual([]);
    for (const [what, res] of attempts)
      expect([what, errorBodyProblem(res, what.split(' ')[0])]).toEqual([what, undefined]);
    // Nothing of the series leaks in a refusal.
    expect(attempts.filter(([, res]) => /process_|nodejs_|stomp_/.test(res.text))).toEqual([]);
  });

  it('with METRICS_TOKEN, serves /metrics only to its bearer; API_DOCS=true turns the docs on', async () => {
    const t = await start({ METRICS_TOKEN, API_DOCS: 'true' });
    const user = await createUser(t);
    const refused = [
      await probe(t, 'GET', '/metrics'),
      await probe(t, 'GET', '/metrics', { token: user.token }),
      await probe(t, 'GET', '/metrics', { headers: { 'x-metrics-token': METRICS_TOKEN.slice(0, -1) } }),
      await probe(t, 'GET', '/metrics', { headers: { authorization: `Basic ${METRICS_TOKEN}` } }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(refused.filter((r) => /process_|stomp_/.test(r.text))).toEqual([]);
    const scrape = await probe(t, 'GET', '/metrics', {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('cache-control')).toBe('no-store');
    expect(scrape.text).toMatch(/^process_resident_memory_bytes /m);
    expect((await probe(t, 'GET', '/api/docs-json')).status).toBe(200);
  });

  it('with METRICS_PORT, serves /metrics there only (with the token when set), nothing else', async () => {
    const t = await start({ METRICS_PORT: '0', METRICS_HOST: '127.0.0.1', METRICS_TOKEN });
    const port = t.app.get(MetricsServer).port();
    expect(port).toBeGreaterThan(0);
    const metricsUrl = `http://127.0.0.1:${port}`;
    const onHttpPort = await probe(t, 'GET', '/metrics', {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    probes += 4;
    const [noToken, scrape, other, post] = await Promise.all([
      call(metricsUrl, 'GET', '/metrics'),
      call(metricsUrl, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }),
      call(metricsUrl, 'GET', '/api/v1/users', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }),
      call(metricsUrl, 'POST', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }),
    ]);
    expect([onHttpPort.status, noToken.status, scrape.status, other.status, post.status]).toEqual([
      404, 401, 200, 404, 405,
    ]);
    expect(scrape.text).toMatch(/^stomp_sessions /m);
    expect(errorBodyProblem(noToken, '/metrics')).toBeUndefined();
  });

  it('marks every API answer, the login token included, Cache-Control: no-store', async () => {
    const t = await start({ METRICS_TOKEN });
    const user: TestUser = await createUser(t);
    const answers: [string, HttpResult][] = [
      [
        'v1 login',
        await probe(t, 'POST', '/api/v1/auth/login', {
          body: { usernameOrEmail: user.username, password: user.password },
        }),
      ],
      [
        'v1 failed login',
        await probe(t, 'POST', '/api/v1/auth/login', {
          body: { usernameOrEmail: user.username, password: 'wrong-password' },
        }),
      ],
      [
        'basic login',
        await probe(t, 'POST', '/api/users/login', {
          body: { username: user.username, password: user.password },
        }),
      ],
      ['v1 own user', await probe(t, 'GET', `/api/v1/users/${user.id}`, { token: user.token })],
      ['v1 rooms', await probe(t, 'GET', '/api/v1/rooms', { token: user.token })],
      ['v1 notifications', await probe(t, 'GET', '/api/v1/notifications', { token: user.token })],
      ['basic user', await probe(t, 'GET', `/api/users/${user.id}`, { token: user.token })],
      ['no token', await probe(t, 'GET', '/api/v1/rooms')],
      ['unknown API route', await probe(t, 'GET', '/api/v1/nothing-here', { token: user.token })],
    ];
    expect(answers[0][1].json.token).toEqual(expect.any(String));
    expect(
      answers.map(([what, res]) => `${what} ${res.status}: ${res.headers.get('cache-control')}`),
    ).toEqual(answers.map(([what, res]) => `${what} ${res.status}: no-store`));
    // The liveness probe and the web page keep their own caching rules.
    expect((await probe(t, 'GET', '/health')).headers.get('cache-control')).not.toBe('no-store');

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    recordHardening('attack-ops-exposure', {
      badInputsTried: probes,
      serverErrorsSeen: statuses.filter((s) => s >= 500).length,
      notes: {
        metricsByDefault: 'closed (404)',
        apiDocsByDefault: 'off (404)',
        apiAnswersNoStore: `${answers.length}/${answers.length}`,
      },
    });
  });
});
