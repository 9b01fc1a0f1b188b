import {
  ReadStatePayload,
  RoomEventPayload,
  RoomTopic,
  StatusEventPayload,
  StompErrorPayload,
  Topic,
  TypingEventPayload,
  UserQueue,
  userQueue,
} from '../../../src/common/realtime/destinations';
import { AppNotification, asMessage, isObject, Message } from '../types';
import type { Live } from './live';

/** Everything the live connection delivers, told apart by `kind`. The app routes on it. */
export type LiveEvent =
  | { kind: 'message'; message: Message }
  | { kind: 'room-event'; event: RoomEventPayload }
  | { kind: 'typing'; event: TypingEventPayload }
  | { kind: 'status'; userId: number; status: string }
  | { kind: 'notification'; notification: AppNotification }
  | { kind: 'read'; state: ReadStatePayload }
  | { kind: 'error'; error: StompErrorPayload };

export type LiveEventHandler = (event: LiveEvent) => void;

/** The user's own topics: everyone's presence, the user's notifications and errors. */
export function subscribeUserTopics(live: Live, handler: LiveEventHandler): void {
  live.subscribe(Topic.status, (body) => emit(handler, parseStatus(body)));
  live.subscribe(userQueue(UserQueue.notifications), (body) => emit(handler, parseNotification(body)));
  live.subscribe(userQueue(UserQueue.errors), (body) => emit(handler, parseError(body)));
  live.subscribe(userQueue(UserQueue.read), (body) => emit(handler, parseReadState(body)));
}

/**
 * A room's topics (messages and room events; typing only for the open room). Each is made once
 * and made again after every reconnect.
 */
export function subscribeRoom(
  live: Live,
  roomId: number,
  withTyping: boolean,
  handler: LiveEventHandler,
): void {
  const messages = RoomTopic.messages(roomId);
  const events = RoomTopic.events(roomId);
  const typing = RoomTopic.typing(roomId);
  if (!live.isSubscribed(messages)) live.subscribe(messages, (body) => emit(handler, parseMessage(body)));
  if (!live.isSubscribed(events)) live.subscribe(events, (body) => emit(handler, parseRoomEvent(body)));
  if (withTyping && !live.isSubscribed(typing))
    live.subscribe(typing, (body) => emit(handler, parseTyping(body)));
}

export function unsubscribeRoom(live: Live, roomId: number): void {
  for (const destination of [RoomTopic.messages(roomId), RoomTopic.events(roomId), RoomTopic.typing(roomId)])
    live.unsubscribe(destination);
}

export function unsubscribeTyping(live: Live, roomId: number): void {
  live.unsubscribe(RoomTopic.typing(roomId));
}

function emit(handler: LiveEventHandler, event: LiveEvent | undefined): void {
  if (event) handler(event);
}

// Frames are read defensively: a malformed one is dropped, never thrown on.

function parseMessage(body: unknown): LiveEvent | undefined {
  const message = asMessage(body);
  return message && { kind: 'message', message };
}

function parseRoomEvent(body: unknown): LiveEvent | undefined {
  if (!isObject(body) || typeof body.type !== 'string') return undefined;
  const event = { ...body, roomId: Number(body.roomId) } as unknown as RoomEventPayload;
  return { kind: 'room-event', event };
}

function parseTyping(body: unknown): LiveEvent | undefined {
  if (!isObject(body) || typeof body.userId !== 'number') return undefined;
  const event = { ...body, roomId: Number(body.roomId) } as unknown as TypingEventPayload;
  return { kind: 'typing', event };
}

function parseStatus(body: unknown): LiveEvent | undefined {
  if (!isObject(body)) return undefined;
  const { userId, status } = body as Partial<StatusEventPayload>;
  if (typeof userId !== 'number' || typeof status !== 'string') return undefined;
  return { kind: 'status', userId, status };
}

function parseNotification(body: unknown): LiveEvent | undefined {
  if (!isObject(body) || typeof body.message !== 'string') return undefined;
  return { kind: 'notification', notification: body as unknown as AppNotification };
}

function parseReadState(body: unknown): LiveEvent | undefined {
  if (!isObject(body) || typeof body.roomId !== 'number') return undefined;
  const state: ReadStatePayload = {
    roomId: body.roomId,
    lastReadMessageId: typeof body.lastReadMessageId === 'number' ? body.lastReadMessageId : null,
    unreadCount: Number(body.unreadCount) || 0,
    mentionCount: Number(body.mentionCount) || 0,
  };
  return { kind: 'read', state };
}

function parseError(body: unknown): LiveEvent {
  const error: StompErrorPayload = isObject(body)
    ? (body as unknown as StompErrorPayload)
    : { status: 0, message: String(body) };
  return { kind: 'error', error };
}
