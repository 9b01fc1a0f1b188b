import { ApiError } from '../net/api-error';
import { roomName } from '../state/rooms';
import { SEARCH_PAGE } from '../state/search';
import type { Message } from '../types';
import { roomHash } from '../views/sidebar';
import type { ChatContext } from './context';
import type { MessagesController } from './messages';
import type { RoomsController } from './rooms';

/** The search box: searching, paging the results, and opening one in its room's history. */
export class SearchController {
  constructor(
    private readonly ctx: ChatContext,
    private readonly rooms: RoomsController,
    private readonly messages: MessagesController,
  ) {}

  /** The name a result shows for its room. */
  private roomLabel(roomId: number): string {
    const entry = this.ctx.state.rooms.get(roomId);
    if (!entry) return `Room ${roomId}`;
    return entry.room.type === 'DIRECT_MESSAGE' ? roomName(entry) : `#${roomName(entry)}`;
  }

  async search(q: string): Promise<void> {
    const ticket = this.ctx.state.search.start(q);
    this.render();
    await this.fetch(ticket, undefined);
  }

  async more(): Promise<void> {
    const next = this.ctx.state.search.startMore();
    if (!next) return;
    this.render();
    await this.fetch(next.ticket, next.before);
  }

  /** Opens the result's room with the message in view (a window around it when it is old). */
  async open(m: Message): Promise<void> {
    const { state, views } = this.ctx;
    if (!(await this.messages.loadAround(m.roomId, m.id))) return;
    if (state.rooms.current !== m.roomId) {
      history.pushState(null, '', roomHash(m.roomId));
      await this.rooms.openRoom(m.roomId);
    } else this.messages.renderMessages();
    if (state.rooms.current === m.roomId) views.list.reveal(m.id);
  }

  /** A message was deleted: it leaves the results too. */
  removed(id: number): void {
    if (this.ctx.state.search.remove(id) && !this.ctx.views.search.panel.hidden) this.render();
  }

  private async fetch(ticket: number, before: number | undefined): Promise<void> {
    const { api, state } = this.ctx;
    try {
      const page = await api.searchMessages(state.search.query, { before, size: SEARCH_PAGE });
      if (state.search.page(ticket, page, SEARCH_PAGE)) this.render();
    } catch (err) {
      const message = err instanceof ApiError ? err.message : 'Search failed';
      if (state.search.failed(ticket, message)) this.render();
    }
  }

  private render(): void {
    const s = this.ctx.state.search;
    this.ctx.views.search.render({
      query: s.query,
      results: s.results.map((message) => ({ message, room: this.roomLabel(message.roomId) })),
      hasMore: s.hasMore,
      loading: s.loading,
      error: s.error,
    });
  }
}
