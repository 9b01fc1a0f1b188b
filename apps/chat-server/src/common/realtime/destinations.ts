/**
 * Every STOMP destination of the chat, named once, with the payloads that travel on it. The server
 * (publishers, the subscription authorizer, the `@MessageMapping` handlers) and the web page
 * (bundled by esbuild) import this file, so a destination string is never written twice.
 *
 * This file must stay free of imports: the page bundles it as it is.
 */

/** Application destinations: a client SENDs to `/app/<name>`; the handler maps `<name>`. */
export const AppDestination = {
  sendMessage: 'chat.sendMessage',
  addUser: 'chat.addUser',
  typing: 'chat.typing',
  /** Moves the caller's read marker of a room ({@link ReadStatePayload} comes back on `UserQueue.read`). */
  read: 'chat.read',
} as const;
export type AppDestinationName = (typeof AppDestination)[keyof typeof AppDestination];

/** The full `/app/...` destination a client sends to. */
export const appDestination = (name: AppDestinationName): string => `/app/${name}`;

/** Topics every authenticated user may subscribe to. */
export const Topic = {
  /** Presence changes of every user ({@link StatusEventPayload}). */
  status: '/topic/status',
} as const;

/** A room's topics: messages, room events and typing. Members and admins only. */
export const RoomTopic = {
  /** New messages (the message view). */
  messages: (roomId: number): string => `/topic/rooms/${roomId}`,
  /** Room events ({@link RoomEventPayload}). */
  events: (roomId: number): string => `/topic/rooms/${roomId}/events`,
  /** Typing indicators ({@link TypingEventPayload}). */
  typing: (roomId: number): string => `/topic/rooms/${roomId}/typing`,
  /** A pattern that matches every topic of the room (used to revoke a member's subscriptions). */
  all: (roomId: number): string => `/topic/rooms/${roomId}/**`,
} as const;

/** The kinds of room topic a client may subscribe to, and the pattern that recognises them. */
export type RoomTopicKind = 'messages' | 'events' | 'typing';
const ROOM_TOPIC = /^\/topic\/rooms\/([1-9]\d{0,9})(?:\/(typing|events))?$/;

/** `{roomId, kind}` of a room topic, or null when `destination` is not one. */
export function parseRoomTopic(destination: string): { roomId: number; kind: RoomTopicKind } | null {
  const match = ROOM_TOPIC.exec(destination);
  if (!match) return null;
  const kind: RoomTopicKind = match[2] === 'typing' ? 'typing' : match[2] === 'events' ? 'events' : 'messages';
  return { roomId: Number(match[1]), kind };
}

/**
 * A user's own queues. The server sends to the queue name (`/queue/...`) for one user; the user's
 * sessions subscribe to it with the `/user` prefix ({@link userQueue}).
 */
export const UserQueue = {
  /** Notifications as REST lists them. */
  notifications: '/queue/notifications',
  /** Errors of `/app/...` frames ({@link StompErrorPayload}). */
  errors: '/queue/errors',
  /** The user's read markers as they move, on every device ({@link ReadStatePayload}). */
  read: '/queue/read',
} as const;
export type UserQueueName = (typeof UserQueue)[keyof typeof UserQueue];

/** What a client subscribes to for one of its queues: `/user/queue/...`. */
export const userQueue = (queue: UserQueueName): string => `/user${queue}`;

// ---- payloads ---------------------------------------------------------------------------------

/** `/topic/rooms/{id}/typing`. */
export interface TypingEventPayload {
  roomId: number;
  userId: number;
  username: string;
  typing: boolean;
}

/** `/topic/rooms/{id}/events`: one of these, told apart by `type`. */
export type RoomEventPayload =
  | { type: 'MESSAGE_DELETED'; roomId: number; messageId: number }
  | { type: 'MEMBER_ADDED'; roomId: number; userId: number; actorId: number | null }
  | { type: 'MEMBER_REMOVED'; roomId: number; userId: number; actorId: number | null }
  | { type: 'ROOM_UPDATED'; roomId: number; name: string; roomType: string }
  | { type: 'ROOM_DELETED'; roomId: number }
  /** A read receipt: at most about one a second per user and room, the latest marker wins. */
  | { type: 'READ'; roomId: number; userId: number; lastReadMessageId: number };
export type RoomEventType = RoomEventPayload['type'];

/** `/user/queue/read`: a read marker of the user moved (also the answer of `PUT .../read`). */
export interface ReadStatePayload {
  roomId: number;
  lastReadMessageId: number | null;
  unreadCount: number;
  mentionCount: number;
}

/** `/topic/status`. */
export interface StatusEventPayload {
  userId: number;
  username: string;
  status: string;
  updatedAt: string | null;
}

/** `/user/queue/errors`: the error of one `/app/...` frame. */
export interface StompErrorPayload {
  status: number;
  error?: string;
  message: string;
  destination?: string;
  clientMessageId?: string;
  receiptId?: string;
}
