import type { StatusEventPayload } from '../../../src/common/realtime/destinations';
import {
  AppNotification,
  ErrorBody,
  isObject,
  items,
  Message,
  asMessage,
  Room,
  RoomType,
  Session,
  UserRef,
  DirectoryEntry,
} from '../types';
import { statusWords } from '../format/rules';
import type { UnreadItem } from '../state/read-state';
import { ApiError } from './api-error';

export interface HistoryQuery {
  size?: number;
  before?: number;
  after?: number;
}

/** The server's largest list page (LIST_MAX_SIZE) and how many the page reads at most (10,000 rooms). */
const ROOM_PAGE_SIZE = 500;
const ROOM_PAGES_MAX = 20;

/** The v1 REST API, with the session's bearer token. */
export class Api {
  constructor(
    private readonly token: () => string | undefined,
    private readonly onUnauthorized: (message: string) => void,
  ) {}

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'Cannot reach the server. Check your connection and try again.', path);
    }
    const text = await res.text();
    let data: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = text;
      }
    }
    if (!res.ok) {
      const err: ErrorBody = isObject(data) ? (data as ErrorBody) : {};
      const message =
        typeof err.message === 'string' && err.message
          ? err.message
          : typeof data === 'string' && data && data.length < 300
            ? data
            : statusWords(res.status);
      const error = typeof err.error === 'string' ? err.error : res.statusText;
      if (res.status === 401 && token && !path.startsWith('/api/v1/auth/')) this.onUnauthorized(message);
      throw new ApiError(res.status, message, path, error, Array.isArray(err.errors) ? err.errors : []);
    }
    return data as T;
  }

  register(username: string, email: string, password: string): Promise<string> {
    return this.request('POST', '/api/v1/auth/register', { username, email, password });
  }

  login(usernameOrEmail: string, password: string): Promise<Session> {
    return this.request('POST', '/api/v1/auth/login', { usernameOrEmail, password });
  }

  user(id: number): Promise<UserRef> {
    return this.request('GET', `/api/v1/users/${id}`);
  }

  rooms(): Promise<Room[]> {
    return this.allPages<Room>('/api/v1/rooms');
  }

  roomsOf(userId: number): Promise<Room[]> {
    return this.allPages<Room>(`/api/v1/rooms/user/${userId}`);
  }

  /**
   * Every page of a paged list (docs/API-DECISIONS.md, "Paged lists"): the largest pages the
   * server allows, until one comes back short, at most ROOM_PAGES_MAX of them.
   */
  private async allPages<T>(path: string): Promise<T[]> {
    const all: T[] = [];
    for (let page = 0; page < ROOM_PAGES_MAX; page++) {
      const batch = items<T>(await this.request('GET', `${path}?page=${page}&size=${ROOM_PAGE_SIZE}`));
      all.push(...batch);
      if (batch.length < ROOM_PAGE_SIZE) break;
    }
    return all;
  }

  room(id: number): Promise<Room> {
    return this.request('GET', `/api/v1/rooms/${id}`);
  }

  createRoom(name: string, type: RoomType): Promise<Room> {
    return this.request('POST', '/api/v1/rooms', { name, type });
  }

  direct(userId: number): Promise<Room> {
    return this.request('POST', `/api/v1/rooms/direct/${userId}`);
  }

  addMember(roomId: number, userId: number): Promise<unknown> {
    return this.request('POST', `/api/v1/rooms/${roomId}/members/${userId}`);
  }

  removeMember(roomId: number, userId: number): Promise<unknown> {
    return this.request('DELETE', `/api/v1/rooms/${roomId}/members/${userId}`);
  }

  async members(roomId: number): Promise<UserRef[]> {
    return items<UserRef>(await this.request('GET', `/api/v1/rooms/${roomId}/members`));
  }

  async history(roomId: number, query: HistoryQuery = {}): Promise<Message[]> {
    const params = new URLSearchParams({ size: String(query.size ?? 50), topLevel: 'true' });
    if (query.before !== undefined) params.set('before', String(query.before));
    if (query.after !== undefined) params.set('after', String(query.after));
    const body = await this.request('GET', `/api/v1/messages/room/${roomId}?${params}`);
    return items<unknown>(body)
      .map(asMessage)
      .filter((m): m is Message => m !== undefined)
      .map((m) => ({ ...m, roomId: Number.isFinite(m.roomId) ? m.roomId : roomId }));
  }

  /** Full-text search of the caller's rooms, newest first (docs/API-DECISIONS.md, "Message search"). */
  async searchMessages(q: string, query: { before?: number; size?: number } = {}): Promise<Message[]> {
    const params = new URLSearchParams({ q, size: String(query.size ?? 20) });
    if (query.before !== undefined) params.set('before', String(query.before));
    const body = await this.request('GET', `/api/v1/messages/search?${params}`);
    return items<unknown>(body)
      .map(asMessage)
      .filter((m): m is Message => m !== undefined);
  }

  /** Sends over REST; `clientMessageId` makes a retry idempotent, as over STOMP. */
  async postMessage(roomId: number, content: string, clientMessageId?: string): Promise<Message | undefined> {
    const body = clientMessageId ? { content, clientMessageId } : { content };
    return asMessage(await this.request('POST', `/api/v1/messages/room/${roomId}`, body));
  }

  /** A thread reply over REST (the answer is the stored reply). */
  async postReply(roomId: number, content: string, parentId: number): Promise<Message | undefined> {
    return asMessage(await this.request('POST', `/api/v1/messages/room/${roomId}`, { content, parentId }));
  }

  async editMessage(id: number, content: string): Promise<Message | undefined> {
    return asMessage(await this.request('PATCH', `/api/v1/messages/${id}`, { content }));
  }

  /** Adds (or with `remove`, removes) the user's reaction. */
  react(id: number, emoji: string, remove: boolean): Promise<unknown> {
    return this.request(
      remove ? 'DELETE' : 'PUT',
      `/api/v1/messages/${id}/reactions/${encodeURIComponent(emoji)}`,
    );
  }

  /** A thread's newest replies, oldest first. */
  async replies(rootId: number): Promise<Message[]> {
    const body = await this.request('GET', `/api/v1/messages/${rootId}/replies?size=100`);
    return items<unknown>(body)
      .map(asMessage)
      .filter((m): m is Message => m !== undefined);
  }

  deleteMessage(id: number): Promise<unknown> {
    return this.request('DELETE', `/api/v1/messages/${id}`);
  }

  async statuses(userIds: number[]): Promise<StatusEventPayload[]> {
    if (userIds.length === 0) return [];
    return items<StatusEventPayload>(
      await this.request('GET', `/api/v1/status?userIds=${userIds.join(',')}`),
    );
  }

  async notifications(): Promise<AppNotification[]> {
    return items<AppNotification>(await this.request('GET', '/api/v1/notifications?size=50'));
  }

  markRead(id: number): Promise<AppNotification> {
    return this.request('PUT', `/api/v1/notifications/${id}/read`);
  }

  /** The unread and mention counts of each of the user's rooms. */
  async unread(): Promise<UnreadItem[]> {
    return items<UnreadItem>(await this.request('GET', '/api/v1/rooms/unread'));
  }

  /** Moves the read marker of a room (the REST twin of `/app/chat.read`, when not connected). */
  markRoomRead(roomId: number, messageId: number): Promise<unknown> {
    return this.request('PUT', `/api/v1/rooms/${roomId}/read`, { messageId });
  }

  markAllRead(): Promise<unknown> {
    return this.request('PUT', '/api/v1/notifications/read-all');
  }

  /** People by username prefix (EXTENSIONS.md §9). */
  async directory(q: string, size = 8): Promise<DirectoryEntry[]> {
    const params = new URLSearchParams({ q, size: String(size) });
    return items<DirectoryEntry>(await this.request('GET', `/api/v1/users/directory?${params}`));
  }

  updateRoom(id: number, changes: { name?: string; type?: RoomType }): Promise<Room> {
    return this.request('PUT', `/api/v1/rooms/${id}`, changes);
  }

  deleteRoom(id: number): Promise<unknown> {
    return this.request('DELETE', `/api/v1/rooms/${id}`);
  }

  setStatus(userId: number, status: string): Promise<unknown> {
    return this.request('PUT', '/api/v1/status', { userId, status });
  }

  updateUser(id: number, changes: { username?: string; email?: string }): Promise<UserRef> {
    return this.request('PUT', `/api/v1/users/${id}`, changes);
  }

  /** Answers a fresh token: every older one (other tabs, other browsers) stops working. */
  changePassword(id: number, currentPassword: string, newPassword: string): Promise<{ token?: string }> {
    return this.request('PUT', `/api/v1/users/${id}/password`, { currentPassword, newPassword });
  }
}
