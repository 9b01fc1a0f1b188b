import { TestUser, uniqueName } from '../../factories/users';

/**
 * The authorization matrix of both REST surfaces and of STOMP, as README ("The APIs", the STOMP
 * tables) and docs/API-DECISIONS.md state it: ONE table, iterated by attack-authz.hardening-spec.ts, which
 * also checks that every route the app registers appears here.
 *
 * Roles: `anonymous` (no token), `stranger` (a user with no tie to the fixture), `member` (a
 * member of the fixture room, not its creator), `creator` (the room's creator, and the subject
 * user of /users routes, i.e. "self"), `admin`.
 */
export const ROLES = ['anonymous', 'stranger', 'member', 'creator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Fixture {
  creator: TestUser;
  member: TestUser;
  stranger: TestUser;
  admin: TestUser;
  /** Never a member of the fixture's rooms: the user added by "add member" rows. */
  extra: TestUser;
  /** PRIVATE room of `creator` with `member`. */
  room: { id: number };
  /** PUBLIC room of `creator` with `member`. */
  channel: { id: number };
  /** A message of `member` in `room`. */
  messageId: number;
  /** A notification of `creator`. */
  notificationId: number;
}

export interface AuthzRow {
  /** The route as Fastify registers it: `METHOD /path/:param`. */
  route: string;
  /** What is checked, when several rows exercise one route. */
  note?: string;
  path: (fx: Fixture, caller: TestUser | undefined) => string;
  body?: (fx: Fixture, caller: TestUser | undefined) => unknown;
  /** Statuses per role, in ROLES order. */
  expect: [number, number, number, number, number];
  /** Changes the fixture: every role gets a fresh one. */
  fresh?: boolean;
}

const id = (u: TestUser | undefined) => u?.id ?? 1;
const creds = (u: TestUser) => ({ usernameOrEmail: u.username, password: u.password });

export const AUTHZ_TABLE: AuthzRow[] = [
  // ---- auth (public) ----------------------------------------------------------------------
  {
    route: 'POST /api/v1/auth/register',
    path: () => '/api/v1/auth/register',
    body: () => {
      const u = uniqueName('reg');
      return { username: u, email: `${u}@example.com`, password: 'password-123' };
    },
    expect: [201, 201, 201, 201, 201],
  },
  {
    route: 'POST /api/v1/auth/register',
    note: 'asking for the admin role',
    path: () => '/api/v1/auth/register',
    body: () => {
      const u = uniqueName('reg');
      return { username: u, email: `${u}@example.com`, password: 'password-123', roles: ['admin'] };
    },
    expect: [403, 403, 403, 403, 201],
  },
  {
    route: 'POST /api/users/register',
    path: () => '/api/users/register',
    body: () => ({ username: uniqueName('reg'), password: 'password-123' }),
    expect: [201, 201, 201, 201, 201],
  },
  {
    route: 'POST /api/v1/auth/login',
    path: () => '/api/v1/auth/login',
    body: (fx) => creds(fx.creator),
    expect: [200, 200, 200, 200, 200],
  },
  {
    route: 'POST /api/users/login',
    path: () => '/api/users/login',
    body: (fx) => ({ username: fx.creator.username, password: fx.creator.password }),
    expect: [200, 200, 200, 200, 200],
  },
  // ---- users v1 (creator = the subject user, "self") ------------------------------------------
  { route: 'GET /api/v1/users', path: () => '/api/v1/users', expect: [401, 403, 403, 403, 200] },
  {
    route: 'GET /api/v1/users/directory',
    path: () => '/api/v1/users/directory?q=a&size=5',
    expect: [401, 200, 200, 200, 200],
  },
  {
    route: 'GET /api/v1/users/me/blocks',
    path: () => '/api/v1/users/me/blocks',
    expect: [401, 200, 200, 200, 200],
  },
  {
    route: 'PUT /api/v1/users/me/blocks/:userId',
    path: (fx) => `/api/v1/users/me/blocks/${fx.extra.id}`,
    expect: [401, 200, 200, 200, 200],
  },
  {
    route: 'PUT /api/v1/users/me/blocks/:userId',
    note: 'blocking oneself',
    path: (_fx, caller) => `/api/v1/users/me/blocks/${id(caller)}`,
    expect: [401, 400, 400, 400, 400],
  },
  {
    route: 'DELETE /api/v1/users/me/blocks/:userId',
    path: (fx) => `/api/v1/users/me/blocks/${fx.extra.id}`,
    expect: [401, 204, 204, 204, 204],
  },
  {
    route: 'GET /api/v1/users/username/:username',
    path: (fx) => `/api/v1/users/username/${fx.creator.username}`,
    expect: [401, 403, 403, 200, 200],
  },
  {
    route: 'GET /api/v1/users/:id',
    path: (fx) => `/api/v1/users/${fx.creator.id}`,
    expect: [401, 403, 403, 200, 200],
  },
  {
    route: 'PUT /api/v1/users/:id',
    path: (fx) => `/api/v1/users/${fx.creator.id}`,
    body: () => ({ email: `${uniqueName('mail')}@example.com` }),
    expect: [401, 403, 403, 200, 200],
    fresh: true,
  },
  {
    route: 'PUT /api/v1/users/:id/password',
    path: (fx) => `/api/v1/users/${fx.creator.id}/password`,
    body: (fx) => ({ currentPassword: fx.creator.password, newPassword: 'password-new-1' }),
    expect: [401, 403, 403, 200, 200],
    fresh: true,
  },
  {
    route: 'PUT /api/v1/users/:id/roles',
    path: (fx) => `/api/v1/users/${fx.creator.id}/roles`,
    body: () => ({ roles: ['user'] }),
    expect: [401, 403, 403, 403, 200],
    fresh: true,
  },
  {
    route: 'DELETE /api/v1/users/:id',
    path: (fx) => `/api/v1/users/${fx.creator.id}`,
    expect: [401, 403, 403, 403, 204],
    fresh: true,
  },
  // ---- users basic ------------------------------------------------------------------------------
  {
    route: 'GET /api/users/:id',
    path: (fx) => `/api/users/${fx.creator.id}`,
    expect: [401, 403, 403, 200, 200],
  },
  {
    route: 'PUT /api/users/:id',
    path: (fx) => `/api/users/${fx.creator.id}`,
    body: () => ({ username: uniqueName('ren') }),
    expect: [401, 403, 403, 200, 200],
    fresh: true,
  },
  {
    route: 'DELETE /api/users/:id',
    path: (fx) => `/api/users/${fx.creator.id}`,
    expect: [401, 403, 403, 200, 200],
    fresh: true,
  },
  // ---- rooms v1 ---------------------------------------------------------------------------------
  {
    route: 'POST /api/v1/rooms',
    path: () => '/api/v1/rooms',
    body: () => ({ name: uniqueName('room'), type: 'PRIVATE' }),
    expect: [401, 201, 201, 201, 201],
  },
  {
    route: 'POST /api/v1/rooms/direct/:userId',
    note: 'a DM with the creator (with oneself: 400)',
    path: (fx) => `/api/v1/rooms/direct/${fx.creator.id}`,
    expect: [401, 201, 201, 400, 201],
    fresh: true,
  },
  { route: 'GET /api/v1/rooms', path: () => '/api/v1/rooms', expect: [401, 200, 200, 200, 200] },
  {
    route: 'GET /api/v1/rooms/user/:userId',
    path: (fx) => `/api/v1/rooms/user/${fx.creator.id}`,
    expect: [401, 403, 403, 200, 200],
  },
  {
    route: 'GET /api/v1/rooms/:id',
    note: 'PRIVATE room',
    path: (fx) => `/api/v1/rooms/${fx.room.id}`,
    expect: [401, 403, 200, 200, 200],
  },
  {
    route: 'GET /api/v1/rooms/:id',
    note: 'PUBLIC room',
    path: (fx) => `/api/v1/rooms/${fx.channel.id}`,
    expect: [401, 200, 200, 200, 200],
  },
  {
    route: 'PUT /api/v1/rooms/:id',
    path: (fx) => `/api/v1/rooms/${fx.room.id}`,
    body: () => ({ name: uniqueName('renamed') }),
    expect: [401, 403, 403, 200, 200],
    fresh: true,
  },
  {
    route: 'DELETE /api/v1/rooms/:id',
    path: (fx) => `/api/v1/rooms/${fx.room.id}`,
    expect: [401, 403, 403, 204, 204],
    fresh: true,
  },
  {
    route: 'POST /api/v1/rooms/:roomId/members/:userId',
    note: 'add another user to a PRIVATE room',
    path: (fx) => `/api/v1/rooms/${fx.room.id}/members/${fx.extra.id}`,
    expect: [401, 403, 403, 200, 200],
    fresh: true,
  },
  {
    route: 'POST /api/v1/rooms/:roomId/members/:userId',
    note: 'join a PUBLIC room oneself (members already are: 400)',
    path: (fx, caller) => `/api/v1/rooms/${fx.channel.id}/members/${id(caller)}`,
    expect: [401, 200, 400, 400, 200],
    fresh: true,
  },
  {
    route: 'POST /api/v1/rooms/:roomId/members/:userId',
    note: 'join a PRIVATE room oneself (permission is checked before "already a member")',
    path: (fx, caller) => `/api/v1/rooms/${fx.room.id}/members/${id(caller)}`,
    expect: [401, 403, 403, 400, 200],
    fresh: true,
  },
  {
    route: 'DELETE /api/v1/rooms/:roomId/members/:userId',
    note: 'remove the member (the member itself: leave)',
    path: (fx) => `/api/v1/rooms/${fx.room.id}/members/${fx.member.id}`,
    expect: [401, 403, 200, 200, 200],
    fresh: true,
  },
  {
    route: 'GET /api/v1/rooms/:roomId/members',
    note: 'PRIVATE room',
    path: (fx) => `/api/v1/rooms/${fx.room.id}/members`,
    expect: [401, 403, 200, 200, 200],
  },
  {
    route: 'GET /api/v1/rooms/:roomId/members',
    note: 'PUBLIC room',
    path: (fx) => `/api/v1/rooms/${fx.channel.id}/members`,
    expect: [401, 200, 200, 200, 200],
  },
  // ---- groups and channels (basic) --------------------------------------------------------------
  ...(['groups', 'channels'] as const).flatMap((kind): AuthzRow[] => {
    const target = (fx: Fixture) => (kind === 'groups' ? fx.room.id : fx.channel.id);
    return [
      {
        route: `POST /api/${kind}`,
        path: () => `/api/${kind}`,
        body: () => ({ name: uniqueName(kind), members: [] }),
        expect: [401, 201, 201, 201, 201],
      },
      { route: `GET /api/${kind}`, path: () => `/api/${kind}`, expect: [401, 200, 200, 200, 200] },
      {
        route: `GET /api/${kind}/:id`,
        path: (fx) => `/api/${kind}/${target(fx)}`,
        expect: kind === 'groups' ? [401, 403, 200, 200, 200] : [401, 200, 200, 200, 200],
      },
      {
        route: `PUT /api/${kind}/:id/members`,
        note: 'add another user',
        path: (fx) => `/api/${kind}/${target(fx)}/members`,
        body: (fx) => ({ memberId: fx.extra.id, action: 'add' }),
        expect: [401, 403, 403, 200, 200],
        fresh: true,
      },
      {
        route: `PUT /api/${kind}/:id/members`,
        note: 'toggle oneself (join a channel, leave either)',
        path: (fx) => `/api/${kind}/${target(fx)}/members`,
        body: (fx, caller) => ({ memberId: String(id(caller)) }),
        expect: kind === 'groups' ? [401, 403, 200, 200, 200] : [401, 200, 200, 200, 200],
        fresh: true,
      },
    ];
  }),
  // ---- messages -----------------------------------------------------------------------------------
  {
    route: 'GET /api/v1/messages/room/:roomId',
    path: (fx) => `/api/v1/messages/room/${fx.room.id}`,
    expect: [401, 403, 200, 200, 200],
  },
  {
    route: 'GET /api/v1/messages/room/:roomId',
    note: 'PUBLIC room: history is for members too',
    path: (fx) => `/api/v1/messages/room/${fx.channel.id}`,
    expect: [401, 403, 200, 200, 200],
  },
  {
    route: 'GET /api/v1/messages/search',
    note: "the caller's own rooms (a stranger finds nothing, admins too)",
    path: () => '/api/v1/messages/search?q=fixture',
    expect: [401, 200, 200, 200, 200],
  },
  {
    route: 'GET /api/v1/messages/search',
    note: 'one room: its members, or an admin',
    path: (fx) => `/api/v1/messages/search?q=fixture&roomId=${fx.room.id}`,
    expect: [401, 403, 200, 200, 200],
  },
  {
    route: 'GET /api/v1/messages/search',
    note: 'one PUBLIC room: members only too',
    path: (fx) => `/api/v1/messages/search?q=fixture&roomId=${fx.channel.id}`,
    expect: [401, 403, 200, 200, 200],
  },
  {
    route: 'POST /api/v1/messages/room/:roomId',
    path: (fx) => `/api/v1/messages/room/${fx.room.id}`,
    body: () => ({ content: 'authz' }),
    expect: [401, 403, 201, 201, 201],
  },
  {
    route: 'DELETE /api/v1/messages/:id',
    note: "the member's message (sender, creator, admin)",
    path: (fx) => `/api/v1/messages/${fx.messageId}`,
    expect: [401, 403, 204, 204, 204],
    fresh: true,
  },
  {
    route: 'GET /api/messages/:conversationId',
    path: (fx) => `/api/messages/${fx.room.id}`,
    expect: [401, 403, 200, 200, 200],
  },
  {
    route: 'POST /api/messages',
    note: 'as oneself to a group',
    path: () => '/api/messages',
    body: (fx, caller) => ({
      senderId: id(caller),
      receiverId: fx.room.id,
      receiverType: 'group',
      content: 'hi',
    }),
    expect: [401, 403, 201, 201, 201],
  },
  {
    route: 'POST /api/messages',
    note: 'speaking for someone else (admins included)',
    path: () => '/api/messages',
    body: (fx, caller) => ({
      senderId: caller?.id === fx.creator.id ? fx.member.id : fx.creator.id,
      receiverId: fx.room.id,
      receiverType: 'group',
      content: 'forged',
    }),
    expect: [401, 403, 403, 403, 403],
  },
  {
    route: 'DELETE /api/messages/:messageId',
    path: (fx) => `/api/messages/${fx.messageId}`,
    expect: [401, 403, 200, 200, 200],
    fresh: true,
  },
  // ---- read state (EXTENSIONS.md §1): read state belongs to a membership, admins included ----------
  ...['/api/v1/rooms/:roomId/read', '/api/messages/:conversationId/read'].map((route): AuthzRow => ({
    route: `PUT ${route}`,
    path: (fx) => route.replace(/:\w+/, String(fx.room.id)),
    body: () => ({}),
    expect: [401, 403, 200, 200, 403],
  })),
  {
    route: 'PUT /api/v1/rooms/:roomId/read',
    note: 'a message of the room',
    path: (fx) => `/api/v1/rooms/${fx.room.id}/read`,
    body: (fx) => ({ messageId: fx.messageId }),
    expect: [401, 403, 200, 200, 403],
  },
  {
    route: 'GET /api/v1/rooms/unread',
    path: () => '/api/v1/rooms/unread',
    expect: [401, 200, 200, 200, 200],
  },
  {
    route: 'GET /api/v1/messages/:id/readers',
    path: (fx) => `/api/v1/messages/${fx.messageId}/readers`,
    expect: [401, 403, 200, 200, 200],
  },
  // ---- edits, reactions, threads (EXTENSIONS.md §3-5) ---------------------------------------------
  {
    route: 'POST /api/v1/messages/room/:roomId',
    note: "a reply to the member's message",
    path: (fx) => `/api/v1/messages/room/${fx.room.id}`,
    body: (fx) => ({ content: 'authz reply', parentId: fx.messageId }),
    expect: [401, 403, 201, 201, 201],
  },
  {
    route: 'PATCH /api/v1/messages/:id',
    note: "the member's message: its sender only (never the creator or an admin)",
    path: (fx) => `/api/v1/messages/${fx.messageId}`,
    body: () => ({ content: 'edited by its sender' }),
    expect: [401, 403, 200, 403, 403],
  },
  {
    route: 'PUT /api/messages/:messageId',
    note: "the member's message: its sender only (never the creator or an admin)",
    path: (fx) => `/api/messages/${fx.messageId}`,
    body: () => ({ content: 'edited by its sender' }),
    expect: [401, 403, 200, 403, 403],
  },
  {
    route: 'PUT /api/v1/messages/:id/reactions/:emoji',
    path: (fx) => `/api/v1/messages/${fx.messageId}/reactions/${encodeURIComponent('👍')}`,
    expect: [401, 403, 200, 200, 200],
  },
  {
    route: 'DELETE /api/v1/messages/:id/reactions/:emoji',
    path: (fx) => `/api/v1/messages/${fx.messageId}/reactions/${encodeURIComponent('👍')}`,
    expect: [401, 403, 200, 200, 200],
  },
  {
    route: 'GET /api/v1/messages/:id/replies',
    path: (fx) => `/api/v1/messages/${fx.messageId}/replies`,
    expect: [401, 403, 200, 200, 200],
  },
  // ---- status -------------------------------------------------------------------------------------
  ...['/api/status', '/api/v1/status'].flatMap((base): AuthzRow[] => [
    {
      route: `PUT ${base}`,
      note: "the creator's status",
      path: () => base,
      body: (fx) => ({ userId: fx.creator.id, status: 'playing' }),
      expect: [401, 403, 403, 200, 200],
    },
    {
      route: `GET ${base}/:userId`,
      path: (fx) => `${base}/${fx.creator.id}`,
      expect: [401, 200, 200, 200, 200],
    },
    {
      route: `GET ${base}`,
      path: (fx) => `${base}?userIds=${fx.creator.id},${fx.member.id}`,
      expect: [401, 200, 200, 200, 200],
    },
  ]),
  // ---- notifications ------------------------------------------------------------------------------
  ...['/api/notifications', '/api/v1/notifications'].flatMap((base): AuthzRow[] => [
    {
      route: `POST ${base}`,
      note: 'notify the creator (shares a room: member; itself; admin)',
      path: () => base,
      body: (fx) => ({ userId: fx.creator.id, message: 'authz' }),
      expect: [401, 403, 201, 201, 201],
      fresh: true,
    },
    { route: `GET ${base}`, path: () => base, expect: [401, 200, 200, 200, 200] },
    {
      route: `PUT ${base}/:id/read`,
      note: "the creator's notification (a personal inbox: admins too are refused)",
      path: (fx) => `${base}/${fx.notificationId}/read`,
      expect: [401, 403, 403, 200, 403],
    },
    { route: `PUT ${base}/read-all`, path: () => `${base}/read-all`, expect: [401, 200, 200, 200, 200] },
  ]),
];

/** Routes the app registers that are outside this matrix, and why. */
export const EXCLUDED_ROUTES: [RegExp, string][] = [
  [/^(HEAD|OPTIONS) /, 'HEAD/OPTIONS are derived from GET routes and CORS'],
  [/^\w+ \/health(\/|$)/, 'liveness/readiness: public by contract (ops spec)'],
  [/^\w+ \/metrics$/, 'Prometheus scrape: METRICS_TOKEN, tested by the ops spec'],
  [/^\w+ \/api\/docs/, 'OpenAPI docs: public by contract'],
  [/^\w+ \/ws\//, 'STOMP endpoints: covered by the STOMP half of the matrix'],
  [/^GET \/(\*|assets\/.*|[^/]*\.[a-z0-9]+)?$/, "the web client's static files: public by contract"],
];

/** STOMP: what each role gets for a SUBSCRIBE or SEND on the fixture's PRIVATE room. */
export type StompOutcome = 'allowed' | 'refused' | `app-error ${number}`;
export interface StompRow {
  frame: 'SUBSCRIBE' | 'SEND';
  destination: (fx: Fixture) => string;
  body?: (fx: Fixture) => unknown;
  /** Per role after anonymous (whose CONNECT is refused): stranger, member, creator, admin. */
  expect: [StompOutcome, StompOutcome, StompOutcome, StompOutcome];
}

const room = (fx: Fixture) => `/topic/rooms/${fx.room.id}`;
export const STOMP_TABLE: StompRow[] = [
  { frame: 'SUBSCRIBE', destination: room, expect: ['refused', 'allowed', 'allowed', 'allowed'] },
  {
    frame: 'SUBSCRIBE',
    destination: (fx) => `${room(fx)}/typing`,
    expect: ['refused', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SUBSCRIBE',
    destination: (fx) => `${room(fx)}/events`,
    expect: ['refused', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SUBSCRIBE',
    destination: (fx) => `/topic/rooms/${fx.channel.id}`,
    expect: ['refused', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SUBSCRIBE',
    destination: () => '/topic/status',
    expect: ['allowed', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SUBSCRIBE',
    destination: () => '/user/queue/notifications',
    expect: ['allowed', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SUBSCRIBE',
    destination: () => '/user/queue/errors',
    expect: ['allowed', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SUBSCRIBE',
    destination: () => '/user/queue/read',
    expect: ['allowed', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SUBSCRIBE',
    destination: (fx) => `/user/${fx.creator.id}/queue/read`,
    expect: ['refused', 'refused', 'refused', 'refused'],
  },
  {
    frame: 'SUBSCRIBE',
    destination: (fx) => `/user/${fx.creator.id}/queue/notifications`,
    expect: ['refused', 'refused', 'refused', 'refused'],
  },
  {
    frame: 'SUBSCRIBE',
    destination: () => '/topic/rooms/999999',
    expect: ['refused', 'refused', 'refused', 'refused'],
  },
  {
    frame: 'SEND',
    destination: () => '/app/chat.sendMessage',
    body: (fx) => ({ roomId: fx.room.id, content: 'stomp authz' }),
    expect: ['app-error 403', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SEND',
    destination: () => '/app/chat.typing',
    body: (fx) => ({ roomId: fx.room.id }),
    expect: ['app-error 403', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SEND',
    destination: () => '/app/chat.read',
    body: (fx) => ({ roomId: fx.room.id }),
    expect: ['app-error 403', 'allowed', 'allowed', 'app-error 403'],
  },
  {
    frame: 'SEND',
    destination: () => '/app/chat.sendMessage',
    body: (fx) => ({ roomId: fx.room.id, content: 'stomp reply', parentId: fx.messageId }),
    expect: ['app-error 403', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SEND',
    destination: () => '/app/chat.editMessage',
    body: (fx) => ({ messageId: fx.messageId, content: 'stomp edit' }),
    expect: ['app-error 403', 'allowed', 'app-error 403', 'app-error 403'],
  },
  {
    frame: 'SEND',
    destination: () => '/app/chat.react',
    body: (fx) => ({ messageId: fx.messageId, emoji: '👍' }),
    expect: ['app-error 403', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SEND',
    destination: () => '/app/chat.react',
    body: (fx) => ({ messageId: fx.messageId, emoji: '👍', remove: true }),
    expect: ['app-error 403', 'allowed', 'allowed', 'allowed'],
  },
  {
    frame: 'SEND',
    destination: () => '/app/chat.addUser',
    body: () => ({ sender: { username: 'whoever' } }),
    expect: ['allowed', 'allowed', 'allowed', 'allowed'],
  },
  ...[
    (fx: Fixture) => room(fx),
    (fx: Fixture) => `${room(fx)}/events`,
    () => '/topic/status',
    () => '/user/queue/notifications',
    () => '/user/queue/read',
    (fx: Fixture) => `/user/${fx.creator.id}/queue/notifications`,
    () => '/queue/errors',
  ].map((destination): StompRow => ({
    frame: 'SEND',
    destination,
    body: (fx) => ({ id: 1, roomId: fx.room.id, content: 'forged broadcast' }),
    expect: ['refused', 'refused', 'refused', 'refused'],
  })),
];
