// Shapes of what the server sends over REST (the OpenAPI document at /api/docs), read defensively: a
// field the server leaves out must not break the page. What travels over STOMP (typing, presence,
// room events, errors) is typed beside its destination in
// `apps/chat-server/src/common/realtime/destinations.ts`.

export interface Session {
  token: string;
  id: number;
  username: string;
  email: string | null;
  roles: string[];
}

export type RoomType = 'PUBLIC' | 'PRIVATE' | 'DIRECT_MESSAGE';

export interface UserRef {
  id: number;
  username: string;
  email?: string | null;
}

/** One person found in the directory (`GET /api/v1/users/directory`). */
export interface DirectoryEntry {
  id: number;
  username: string;
  status: string;
}

export interface Room {
  id: number;
  name: string | null;
  type: RoomType;
  creator?: UserRef | null;
  createdAt?: string;
  memberCount?: number;
}

export interface Message {
  id: number;
  roomId: number;
  sender: UserRef | null;
  content: string;
  sentAt: string;
  clientMessageId?: string;
  /** Members mentioned with @username, in order of appearance. */
  mentions?: UserRef[];
  // EXTENSIONS.md's fields: always set by asMessage; optional so a page-made message may omit them.
  /** Null until the first edit. */
  editedAt?: string | null;
  /** The thread root's id for a reply. */
  parentId?: number | null;
  replyCount?: number;
  lastReplyAt?: string | null;
  reactions?: Reaction[];
  /** Files attached when it was sent (EXTENSIONS.md §7). */
  attachments?: Attachment[];
}

/** A file attached to a message; `url` needs the bearer token (fetched, shown as a blob URL). */
export interface Attachment {
  id: number;
  name: string;
  size: number;
  contentType: string;
  url: string;
}

/** The four types the server serves inline: shown as previews; every other file is a chip. */
export const isImageAttachment = (a: Pick<Attachment, 'contentType'>): boolean =>
  ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(a.contentType);

/** One emoji's reactions on a message (the first 100 user ids; `count` is exact). */
export interface Reaction {
  emoji: string;
  count: number;
  userIds: number[];
}

export interface AppNotification {
  id: number;
  type: string;
  message: string;
  read: boolean;
  createdAt: string;
  roomId?: number | null;
  /** The message it is about (a mention, a direct message, a reply). */
  messageId?: number | null;
}

export interface ErrorBody {
  timestamp?: string;
  status?: number;
  error?: string;
  message?: string;
  path?: string;
  errors?: { field: string; message: string }[];
}

/** A list endpoint's items, whether it answers an array or a page object. */
export function items<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    for (const key of ['content', 'items', 'data', 'results']) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as T[];
    }
  }
  return [];
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function asMessage(v: unknown): Message | undefined {
  if (!isObject(v) || typeof v.id !== 'number' || typeof v.content !== 'string') return undefined;
  const roomId = typeof v.roomId === 'number' ? v.roomId : Number(v.roomId);
  // A deleted account's messages keep a sender with a null id: shown by name, never linked.
  const sender: UserRef | null = isObject(v.sender)
    ? {
        id: typeof v.sender.id === 'number' ? v.sender.id : 0,
        username: typeof v.sender.username === 'string' ? v.sender.username : 'Deleted user',
      }
    : null;
  return {
    id: v.id,
    roomId,
    sender,
    content: v.content,
    sentAt: typeof v.sentAt === 'string' ? v.sentAt : new Date().toISOString(),
    clientMessageId: typeof v.clientMessageId === 'string' ? v.clientMessageId : undefined,
    mentions: Array.isArray(v.mentions)
      ? v.mentions
          .filter((u): u is { id: number; username: string } => isObject(u) && typeof u.id === 'number')
          .map((u) => ({ id: u.id, username: String(u.username) }))
      : [],
    editedAt: typeof v.editedAt === 'string' ? v.editedAt : null,
    parentId: typeof v.parentId === 'number' ? v.parentId : null,
    replyCount: typeof v.replyCount === 'number' ? v.replyCount : 0,
    lastReplyAt: typeof v.lastReplyAt === 'string' ? v.lastReplyAt : null,
    reactions: Array.isArray(v.reactions) ? v.reactions.flatMap(asReaction) : [],
    attachments: Array.isArray(v.attachments) ? v.attachments.flatMap(asAttachment) : [],
  };
}

export function asAttachment(v: unknown): Attachment[] {
  if (!isObject(v) || typeof v.id !== 'number' || typeof v.url !== 'string') return [];
  // only the server's own download route is ever fetched with the token
  if (!/^\/api\/v1\/attachments\/\d+$/.test(v.url)) return [];
  return [
    {
      id: v.id,
      name: typeof v.name === 'string' ? v.name : 'file',
      size: typeof v.size === 'number' ? v.size : 0,
      contentType: typeof v.contentType === 'string' ? v.contentType : 'application/octet-stream',
      url: v.url,
    },
  ];
}

function asReaction(v: unknown): Reaction[] {
  if (!isObject(v) || typeof v.emoji !== 'string' || typeof v.count !== 'number') return [];
  const userIds = Array.isArray(v.userIds)
    ? v.userIds.filter((id): id is number => typeof id === 'number')
    : [];
  return [{ emoji: v.emoji, count: v.count, userIds }];
}
