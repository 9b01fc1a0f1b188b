import fc from 'fast-check';
import { adminUser, createUser, TestUser, uniqueName } from '../factories/users';
import { createRoom } from '../factories/rooms';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { call, errorBodyProblem, HttpResult, pathOf, Tally } from './support/attack-http';
import {
  HOSTILE_BODIES,
  HOSTILE_KEYS,
  HOSTILE_PATH_SEGMENTS,
  HOSTILE_QUERY_KEYS,
  HOSTILE_QUERY_VALUES,
  HOSTILE_VALUES,
  hostileJson,
  objectText,
} from './support/attack-inputs';

/**
 * Fuzzing every REST body, query and path parameter of both surfaces with hostile values: the
 * server never answers 500, every refusal is the documented error body, and every success is
 * correct for what was sent.
 */

type Fields = Record<string, string>;
interface BodyEndpoint {
  name: string;
  method: 'POST' | 'PUT';
  path: () => string;
  token: () => string | undefined;
  /** A valid body as raw JSON members (fresh each call, e.g. unique names). */
  valid: () => Fields;
  /** Why a 2xx answer is wrong for the body sent, or undefined. */
  success: (res: HttpResult, sent: any) => string | undefined;
}

const ROLES = ['ROLE_ADMIN', 'ROLE_USER'];
const STATUS_VALUES = ['online', 'offline', 'typing', 'playing'];
const q = (s: string) => JSON.stringify(s);
const isObj = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
const codePoints = (s: string) => [...s].length;
const named = (user: any, identifier: unknown) =>
  typeof identifier === 'string' &&
  typeof user?.token === 'string' &&
  [user.username, user.email].some(
    (v) => typeof v === 'string' && v.toLowerCase() === identifier.trim().toLowerCase(),
  );
const bad = (cond: boolean, why: string) => (cond ? undefined : why);

describe('attack: fuzzing every REST DTO, query and path parameter', () => {
  let t: TestApp;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let victim: TestUser;
  let selfUpdater: TestUser;
  let room: { id: number };
  let group: { id: number };
  let channel: { id: number };
  const tally = new Tally();

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminUser(t);
    [alice, bob, victim, selfUpdater] = await Promise.all([
      createUser(t),
      createUser(t),
      createUser(t),
      createUser(t),
    ]);
    room = await createRoom(t, alice, { type: 'PRIVATE', members: [bob] });
    group = await createRoom(t, alice, { type: 'PRIVATE', members: [bob] });
    channel = await createRoom(t, alice, { type: 'PUBLIC', members: [bob] });
  });
  afterAll(() => t?.close());

  const endpoints = (): BodyEndpoint[] => [
    {
      name: 'v1 register',
      method: 'POST',
      path: () => '/api/v1/auth/register',
      token: () => undefined,
      valid: () => {
        const u = uniqueName('fz');
        return {
          username: q(u),
          email: q(`${u}@example.com`),
          password: q('password-123'),
          roles: '["user"]',
        };
      },
      success: (res) =>
        bad(res.status === 201 && res.text === 'User registered successfully!', 'register body'),
    },
    {
      name: 'basic register',
      method: 'POST',
      path: () => '/api/users/register',
      token: () => undefined,
      valid: () => ({ username: q(uniqueName('fz')), password: q('password-123') }),
      success: (res, sent) =>
        bad(
          res.status === 201 &&
            res.json?.username === sent.username &&
            !('passwordHash' in res.json) &&
            !('password' in res.json) &&
            JSON.stringify(res.json.roles) === '["ROLE_USER"]',
          'basic register body',
        ),
    },
    {
      name: 'v1 login',
      method: 'POST',
      path: () => '/api/v1/auth/login',
      token: () => undefined,
      valid: () => ({ usernameOrEmail: q(alice.username), password: q(alice.password) }),
      // The sweep registers users named like hostile values with the same password: who logged in
      // must be who was named.
      success: (res, sent) =>
        bad(res.status === 200 && named(res.json, sent.usernameOrEmail), 'login of someone else'),
    },
    {
      name: 'basic login',
      method: 'POST',
      path: () => '/api/users/login',
      token: () => undefined,
      valid: () => ({ username: q(alice.username), password: q(alice.password) }),
      success: (res, sent) =>
        bad(res.status === 200 && named(res.json, sent.username), 'login of someone else'),
    },
    {
      name: 'v1 users update (self)',
      method: 'PUT',
      path: () => `/api/v1/users/${selfUpdater.id}`,
      token: () => selfUpdater.token,
      valid: () => {
        const u = uniqueName('fz');
        return { username: q(u), email: q(`${u}@example.com`) };
      },
      success: (res, sent) =>
        bad(
          res.status === 200 &&
            res.json?.id === selfUpdater.id &&
            (sent.username === undefined || res.json.username === sent.username) &&
            JSON.stringify(res.json.roles) === '["ROLE_USER"]',
          'v1 update body',
        ),
    },
    {
      name: 'basic users update (admin on a user)',
      method: 'PUT',
      path: () => `/api/users/${victim.id}`,
      token: () => admin.token,
      valid: () => ({ username: q(uniqueName('fz')), password: q('password-456') }),
      success: (res, sent) =>
        bad(
          res.status === 200 &&
            res.json?.id === victim.id &&
            (sent.username === undefined || res.json.username === sent.username),
          'basic update body',
        ),
    },
    {
      name: 'v1 password (admin reset)',
      method: 'PUT',
      path: () => `/api/v1/users/${victim.id}/password`,
      token: () => admin.token,
      valid: () => ({ newPassword: q('password-789') }),
      success: (res) =>
        bad(res.status === 200 && res.json?.id === victim.id && !res.json.token, 'password body'),
    },
    {
      name: 'v1 roles (admin)',
      method: 'PUT',
      path: () => `/api/v1/users/${victim.id}/roles`,
      token: () => admin.token,
      valid: () => ({ roles: '["user"]' }),
      success: (res) =>
        bad(
          res.status === 200 &&
            res.json?.id === victim.id &&
            Array.isArray(res.json.roles) &&
            res.json.roles.every((r: string) => ROLES.includes(r)),
          'roles body',
        ),
    },
    {
      name: 'v1 rooms create',
      method: 'POST',
      path: () => '/api/v1/rooms',
      token: () => alice.token,
      valid: () => ({ name: q(uniqueName('room')), type: q('PUBLIC') }),
      success: (res, sent) =>
        bad(
          (res.status === 201 || res.status === 200) &&
            typeof res.json?.name === 'string' &&
            (sent.type === 'DIRECT_MESSAGE' || res.json.name === String(sent.name).trim()) &&
            ['PUBLIC', 'PRIVATE', 'DIRECT_MESSAGE'].includes(res.json.type),
          'room body',
        ),
    },
    {
      name: 'v1 rooms update',
      method: 'PUT',
      path: () => `/api/v1/rooms/${room.id}`,
      token: () => alice.token,
      valid: () => ({ name: q(uniqueName('room')), type: q('PRIVATE') }),
      success: (res, sent) =>
        bad(
          res.status === 200 &&
            res.json?.id === room.id &&
            (sent.name === undefined || res.json.name === String(sent.name).trim()),
          'room update body',
        ),
    },
    ...(['groups', 'channels'] as const).flatMap((kind): BodyEndpoint[] => [
      {
        name: `basic ${kind} create`,
        method: 'POST',
        path: () => `/api/${kind}`,
        token: () => alice.token,
        valid: () => ({ name: q(uniqueName(kind)), members: `[${q(String(bob.id))}]` }),
        success: (res, sent) =>
          bad(
            res.status === 201 &&
              res.json?.name === String(sent.name).trim() &&
              Array.isArray(res.json.members) &&
              res.json.type === (kind === 'groups' ? 'PRIVATE' : 'PUBLIC'),
            'group body',
          ),
      },
      {
        name: `basic ${kind} members`,
        method: 'PUT',
        path: () => `/api/${kind}/${kind === 'groups' ? group.id : channel.id}/members`,
        token: () => alice.token,
        valid: () => ({ memberId: q(String(victim.id)) }),
        success: (res) =>
          bad(res.status === 200 && ['added', 'removed'].includes(res.json?.action), 'membership body'),
      },
    ]),
    {
      name: 'v1 messages send',
      method: 'POST',
      path: () => `/api/v1/messages/room/${room.id}`,
      token: () => alice.token,
      valid: () => ({ content: q('hello') }),
      success: (res, sent) =>
        bad(
          (res.status === 201 || res.status === 200) &&
            res.json?.content === sent.content &&
            res.json.roomId === room.id &&
            res.json.sender?.id === alice.id,
          'message body',
        ),
    },
    {
      name: 'basic messages send',
      method: 'POST',
      path: () => '/api/messages',
      token: () => alice.token,
      valid: () => ({
        senderId: q(String(alice.id)),
        receiverId: String(bob.id),
        content: q('hi'),
        receiverType: q('user'),
      }),
      success: (res, sent) =>
        bad(
          (res.status === 201 || res.status === 200) &&
            res.json?.content === sent.content &&
            res.json.senderId === alice.id,
          'basic message body',
        ),
    },
    ...['/api/status', '/api/v1/status'].map((path): BodyEndpoint => ({
      name: `status set ${path}`,
      method: 'PUT',
      path: () => path,
      token: () => alice.token,
      valid: () => ({ userId: String(alice.id), status: q('online') }),
      success: (res, sent) =>
        bad(
          res.status === 200 &&
            res.json?.userId === alice.id &&
            STATUS_VALUES.includes(res.json.status) &&
            res.json.status === String(sent.status).trim().toLowerCase(),
          'status body',
        ),
    })),
    ...['/api/notifications', '/api/v1/notifications'].map((path): BodyEndpoint => ({
      name: `notifications send ${path}`,
      method: 'POST',
      path: () => path,
      token: () => alice.token,
      valid: () => ({ userId: String(bob.id), message: q('ping') }),
      success: (res, sent) =>
        bad(
          res.status === 201 &&
            res.json?.message === String(sent.message).trim() &&
            codePoints(res.json.message) <= 1000 &&
            res.json.type === 'USER',
          'notification body',
        ),
    })),
  ];

  /** Sends one body and checks what the client sees. */
  async function probe(e: BodyEndpoint, what: string, rawBody: string): Promise<void> {
    const path = e.path();
    const res = await call(t.url, e.method, path, { token: e.token(), rawBody });
    let problem: string | undefined;
    if (res.status >= 400 && res.status < 500) problem = errorBodyProblem(res, path);
    else if (res.status < 300) {
      let sent: any;
      try {
        sent = JSON.parse(rawBody);
      } catch {
        sent = undefined;
      }
      problem = isObj(sent) ? e.success(res, sent) : `accepted a non-object body: ${rawBody.slice(0, 80)}`;
    } else if (res.status < 500) problem = `unexpected status ${res.status}`;
    tally.see(`${e.name} ${what}`, res, problem);
  }

  it('sweeps every hostile value through every field of every body, plus hostile keys and bodies', async () => {
    for (const e of endpoints()) {
      const fieldNames = Object.keys(e.valid());
      for (const field of fieldNames) {
        for (const [label, value] of Object.entries(HOSTILE_VALUES)) {
          const members = Object.entries(e.valid()).map(([k, v]): [string, string] => [
            k,
            k === field ? value : v,
          ]);
          await probe(e, `${field}=${label}`, objectText(members));
        }
        const without = Object.entries(e.valid()).filter(([k]) => k !== field);
        await probe(e, `without ${field}`, objectText(without));
      }
      for (const key of HOSTILE_KEYS) {
        await probe(
          e,
          `extra key ${key}`,
          objectText([...Object.entries(e.valid()), [key, '{"isAdmin":true}']]),
        );
      }
      for (const [label, body] of Object.entries(HOSTILE_BODIES)) await probe(e, `body ${label}`, body);
    }
    expect(tally.problems).toEqual([]);
  });

  it('fast-check: random hostile combinations of fields and keys on every body', async () => {
    for (const e of endpoints()) {
      const names = Object.keys(e.valid());
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom(...names, ...HOSTILE_KEYS), hostileJson()), {
            minLength: 1,
            maxLength: 4,
          }),
          fc.boolean(),
          async (replacements, keepValid) => {
            const base = keepValid ? Object.entries(e.valid()) : [];
            const before = tally.problems.length;
            await probe(
              e,
              `random ${JSON.stringify(replacements).slice(0, 120)}`,
              objectText([...base, ...replacements]),
            );
            return tally.problems.length === before;
          },
        ),
        { numRuns: 12, seed: 20261121, endOnFailure: true },
      );
    }
    expect(tally.problems).toEqual([]);
  });

  it('fuzzes the query parameters of history, notifications and bulk status', async () => {
    const queries: { name: string; path: string; keys: string[] }[] = [
      {
        name: 'v1 history',
        path: `/api/v1/messages/room/${room.id}`,
        keys: ['page', 'size', 'before', 'after'],
      },
      { name: 'basic history', path: `/api/messages/${room.id}`, keys: ['page', 'size', 'before', 'after'] },
      { name: 'notifications', path: '/api/notifications', keys: ['page', 'size', 'unread'] },
      { name: 'v1 notifications', path: '/api/v1/notifications', keys: ['page', 'size', 'unread'] },
      { name: 'bulk status', path: '/api/v1/status', keys: ['userIds'] },
      { name: 'basic bulk status', path: '/api/status', keys: ['userIds'] },
    ];
    const check = async (name: string, path: string) => {
      const res = await call(t.url, 'GET', path, { token: alice.token });
      let problem: string | undefined;
      if (res.status >= 400) problem = errorBodyProblem(res, path);
      else if (!Array.isArray(res.json)) problem = 'a success that is not an array';
      tally.see(`${name} ${path.slice(0, 120)}`, res, problem);
    };
    for (const qd of queries) {
      for (const key of qd.keys) {
        for (const value of HOSTILE_QUERY_VALUES) await check(qd.name, `${qd.path}?${key}=${value}`);
        await check(qd.name, `${qd.path}?${key}=1&${key}=2`);
        await check(qd.name, `${qd.path}?${key}[]=1`);
        await check(qd.name, `${qd.path}?${key}[a]=1`);
      }
      for (const key of HOSTILE_QUERY_KEYS) await check(qd.name, `${qd.path}?${key}=1`);
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.tuple(
              fc.constantFrom(...qd.keys, ...HOSTILE_QUERY_KEYS),
              fc.constantFrom(...HOSTILE_QUERY_VALUES),
            ),
            {
              minLength: 1,
              maxLength: 4,
            },
          ),
          async (pairs) => {
            const before = tally.problems.length;
            await check(qd.name, `${qd.path}?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`);
            return tally.problems.length === before;
          },
        ),
        { numRuns: 15, seed: 7, endOnFailure: true },
      );
    }
    expect(tally.problems).toEqual([]);
  });

  it('fuzzes every id and username path parameter', async () => {
    const sent = await call(t.url, 'POST', `/api/v1/messages/room/${room.id}`, {
      token: bob.token,
      body: { content: 'a message to react to' },
    });
    const messageId = (sent.json as { id: number }).id;
    const thumbsUp = encodeURIComponent('👍');
    const templates: { method: string; path: (x: string) => string }[] = [
      // edits, reactions and threads (EXTENSIONS.md §3-5): the message id, then the emoji segment
      { method: 'PATCH', path: (x) => `/api/v1/messages/${x}` },
      { method: 'PUT', path: (x) => `/api/messages/${x}` },
      { method: 'GET', path: (x) => `/api/v1/messages/${x}/replies` },
      { method: 'PUT', path: (x) => `/api/v1/messages/${x}/reactions/${thumbsUp}` },
      { method: 'DELETE', path: (x) => `/api/v1/messages/${x}/reactions/${thumbsUp}` },
      { method: 'PUT', path: (x) => `/api/v1/messages/${messageId}/reactions/${x}` },
      { method: 'DELETE', path: (x) => `/api/v1/messages/${messageId}/reactions/${x}` },
      { method: 'GET', path: (x) => `/api/v1/users/${x}` },
      { method: 'GET', path: (x) => `/api/users/${x}` },
      { method: 'GET', path: (x) => `/api/v1/users/username/${x}` },
      { method: 'PUT', path: (x) => `/api/v1/users/${x}` },
      { method: 'DELETE', path: (x) => `/api/users/${x}` },
      { method: 'GET', path: (x) => `/api/v1/rooms/${x}` },
      { method: 'GET', path: (x) => `/api/v1/rooms/user/${x}` },
      { method: 'GET', path: (x) => `/api/v1/rooms/${x}/members` },
      { method: 'POST', path: (x) => `/api/v1/rooms/direct/${x}` },
      { method: 'POST', path: (x) => `/api/v1/rooms/${room.id}/members/${x}` },
      { method: 'DELETE', path: (x) => `/api/v1/rooms/${x}/members/${bob.id}` },
      { method: 'GET', path: (x) => `/api/groups/${x}` },
      { method: 'GET', path: (x) => `/api/channels/${x}` },
      { method: 'GET', path: (x) => `/api/messages/${x}` },
      { method: 'GET', path: (x) => `/api/v1/messages/room/${x}` },
      { method: 'DELETE', path: (x) => `/api/v1/messages/${x}` },
      { method: 'GET', path: (x) => `/api/status/${x}` },
      { method: 'GET', path: (x) => `/api/v1/status/${x}` },
      { method: 'PUT', path: (x) => `/api/notifications/${x}/read` },
    ];
    for (const tpl of templates) {
      for (const segment of HOSTILE_PATH_SEGMENTS) {
        const path = tpl.path(segment);
        const res = await call(t.url, tpl.method, path, {
          token: bob.token,
          ...(tpl.method === 'PUT' ? { body: {} } : {}),
        });
        let problem: string | undefined;
        if (res.status >= 400 && res.status < 500) problem = errorBodyProblem(res, path);
        else if (res.status < 300 && !/username/.test(path)) problem = `accepted the id ${segment}`;
        tally.see(`${tpl.method} ${path.slice(0, 100)}`, res, problem);
      }
    }
    expect(tally.problems).toEqual([]);
  });

  it('keeps serving afterwards, and records the figures', async () => {
    const res = await call(t.url, 'GET', `/api/v1/messages/room/${room.id}?size=1`, { token: bob.token });
    expect(res.status).toBe(200);
    recordHardening('attack: REST fuzzing (both surfaces)', {
      badInputsTried: tally.inputs,
      serverErrorsSeen: tally.serverErrors,
      notes: { statuses: tally.statuses() },
    });
    expect(tally.serverErrors).toBe(0);
    expect(pathOf('/x?y')).toBe('/x');
  });
});
