import { adminUser, createUser, login, TestUser } from '../factories/users';
import { createRoom } from '../factories/rooms';
import { connectFrame, RawStompSocket } from '../helpers/stomp-client';
import { recordRoutes, startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { call, errorBodyProblem } from './support/attack-http';
import { rawConnected, rawSubscribe, frameHeader, stompConnect } from './support/attack-stomp';
import {
  AUTHZ_TABLE,
  AuthzRow,
  EXCLUDED_ROUTES,
  Fixture,
  multipartFile,
  Role,
  ROLES,
  STOMP_TABLE,
  StompOutcome,
  StompRow,
} from './support/authz-table';

/**
 * The authorization matrix: every REST route of both surfaces and every STOMP destination, from
 * each role, generated from support/authz-table.ts; and a check that the table lists every route
 * the app registers.
 */
describe('attack: authorization matrix (REST and STOMP, every role)', () => {
  let t: TestApp;
  const mapped = new Set<string>();
  let admin: TestUser;
  let member: TestUser;
  let stranger: TestUser;
  let extra: TestUser;
  let shared: Fixture;
  let cases = 0;
  let serverErrors = 0;

  beforeAll(async () => {
    t = await startTestApp({}, undefined, {
      beforeListen: recordRoutes((method, url) => mapped.add(`${method} ${url}`)),
    });
    admin = await adminUser(t);
    [member, stranger, extra] = await Promise.all([createUser(t), createUser(t), createUser(t)]);
    shared = await fixture();
  });
  afterAll(() => t?.close());

  /** A creator with a PRIVATE room and a PUBLIC room (both with `member`), a message and a notification. */
  async function fixture(): Promise<Fixture> {
    const creator = await createUser(t);
    const room = await createRoom(t, creator, { type: 'PRIVATE', members: [member] });
    const channel = await createRoom(t, creator, { type: 'PUBLIC', members: [member] });
    const msg = await call(t.url, 'POST', `/api/v1/messages/room/${room.id}`, {
      token: member.token,
      body: { content: 'fixture message' },
    });
    const file = multipartFile('fixture.txt', 'fixture attachment');
    const upload = await call(t.url, 'POST', `/api/v1/rooms/${room.id}/attachments`, {
      token: member.token,
      rawBody: file.body,
      contentType: file.contentType,
    });
    await call(t.url, 'POST', `/api/v1/messages/room/${room.id}`, {
      token: member.token,
      body: { content: 'fixture attachment', attachmentIds: [upload.json.id] },
    });
    const notification = await call(t.url, 'POST', '/api/v1/notifications', {
      token: admin.token,
      body: { userId: creator.id, message: 'fixture notification' },
    });
    return {
      creator,
      member,
      stranger,
      admin,
      extra,
      room,
      channel,
      messageId: msg.json.id,
      notificationId: notification.json.id,
      attachmentId: upload.json.id,
    };
  }

  const callerOf = (fx: Fixture, role: Role): TestUser | undefined =>
    role === 'anonymous' ? undefined : fx[role];

  // Test names show the destination templates (the fixture exists only once the app runs).
  const TEMPLATE = {
    room: { id: ':room' },
    channel: { id: ':channel' },
    creator: { id: ':creator' },
  } as unknown as Fixture;

  const label = (row: AuthzRow) => `${row.route}${row.note ? ` (${row.note})` : ''}`;

  it('the table lists every route the app registers (or says why one is left out)', () => {
    const inTable = new Set(AUTHZ_TABLE.map((r) => r.route));
    const missing = [...mapped].filter(
      (route) => !inTable.has(route) && !EXCLUDED_ROUTES.some(([re]) => re.test(route)),
    );
    expect(missing).toEqual([]);
    const stale = [...inTable].filter((route) => !mapped.has(route));
    expect(stale).toEqual([]);
  });

  it.each(AUTHZ_TABLE.map((row) => [label(row), row] as const))('REST %s', async (_name, row) => {
    const seen: string[] = [];
    for (const [i, role] of ROLES.entries()) {
      const fx = row.fresh ? await fixture() : shared;
      const caller = callerOf(fx, role);
      const path = row.path(fx, caller);
      const raw = row.raw?.();
      const relogin = async () => (await login(t, caller!.username, caller!.password)).token;
      const res = await call(t.url, row.route.split(' ')[0], path, {
        token: caller && row.revokesCallerTokens ? await relogin() : caller?.token,
        body: row.body?.(fx, caller),
        rawBody: raw?.body,
        contentType: raw?.contentType,
      });
      if (caller && row.revokesCallerTokens) caller.token = await relogin();
      cases++;
      if (res.status >= 500) serverErrors++;
      seen.push(`${role}:${res.status}`);
      if (res.status >= 400) expect(errorBodyProblem(res, path)).toBeUndefined();
      expect(`${role}:${res.status}`).toBe(`${role}:${row.expect[i]}`);
    }
    expect(seen).toHaveLength(ROLES.length);
  });

  /** What a role gets for one STOMP row: RECEIPT, an error on /user/queue/errors, or ERROR + close. */
  async function stompOutcome(row: StompRow, fx: Fixture, user: TestUser): Promise<StompOutcome> {
    const raw = await rawConnected(t.url, user.token);
    try {
      if (row.frame === 'SUBSCRIBE') return await rawSubscribe(raw, row.destination(fx));
      expect(await rawSubscribe(raw, '/user/queue/errors')).toBe('allowed');
      const receipt = `send-${Math.random().toString(36).slice(2)}`;
      raw.send(
        `SEND\ndestination:${row.destination(fx)}\ncontent-type:application/json\nreceipt:${receipt}\n\n${JSON.stringify(row.body?.(fx) ?? {})}\0`,
      );
      const isReceipt = (f: string) => f.startsWith('RECEIPT\n') && frameHeader(f, 'receipt-id') === receipt;
      const isAppError = (f: string) => f.startsWith('MESSAGE\n') && frameHeader(f, 'receipt-id') === receipt;
      await raw.until(
        () => raw.frames.some((f) => isReceipt(f) || isAppError(f)) || raw.closed,
        'SEND answer',
      );
      if (raw.frames.some(isReceipt)) return 'allowed';
      const appError = raw.frames.find(isAppError);
      if (appError) return `app-error ${JSON.parse(appError.slice(appError.indexOf('\n\n') + 2, -1)).status}`;
      expect(raw.frame('ERROR')).toBeDefined();
      return 'refused';
    } finally {
      raw.close();
    }
  }

  it.each(STOMP_TABLE.map((row) => [`${row.frame} ${row.destination(TEMPLATE)}`, row] as const))(
    'STOMP %s',
    async (_name, row) => {
      const roles = ['stranger', 'member', 'creator', 'admin'] as const;
      for (const [i, role] of roles.entries()) {
        cases++;
        const outcome = await stompOutcome(row, shared, shared[role]);
        expect(`${role}: ${outcome}`).toBe(`${role}: ${row.expect[i]}`);
      }
    },
  );

  it('STOMP anonymous: a CONNECT without a token (or with a blank one) is refused, as is any frame before CONNECT', async () => {
    for (const headers of ['', 'X-Auth-Token:\n', 'Authorization:Bearer\n', 'passcode:\n']) {
      cases++;
      const raw = await RawStompSocket.open(t.url);
      raw.send(`CONNECT\naccept-version:1.2\nhost:localhost\n${headers}\n\0`);
      await raw.until(() => raw.closed, 'close after a tokenless CONNECT');
      expect(frameHeader(raw.frame('ERROR') ?? '', 'message')).toBe('Unauthorized');
    }
    for (const frame of [
      `SUBSCRIBE\nid:0\ndestination:/topic/rooms/${shared.room.id}\n\n\0`,
      `SEND\ndestination:/app/chat.sendMessage\n\n{"roomId":${shared.room.id},"content":"x"}\0`,
    ]) {
      cases++;
      const raw = await RawStompSocket.open(t.url);
      raw.send(frame);
      await raw.until(() => raw.closed, 'close after a frame before CONNECT');
      expect(raw.frame('ERROR')).toBeDefined();
      expect(raw.frame('MESSAGE')).toBeUndefined();
    }
    expect((await stompConnect(t.url, shared.member.token)).command).toBe('CONNECTED');
    expect(connectFrame('x')).toContain('CONNECT');
  });

  it('records the figures', () => {
    recordHardening('attack: authorization matrix', {
      badInputsTried: cases,
      serverErrorsSeen: serverErrors,
      notes: { restRows: AUTHZ_TABLE.length, stompRows: STOMP_TABLE.length, roles: ROLES.length },
    });
    expect(serverErrors).toBe(0);
  });
});
