import { Injectable } from '@nestjs/common';
import { ReadStateRepository } from '../read-state/read-state.repository';
import { MessageParts, MessageView, toMessageView } from './message-view';

/**
 * The one place stored messages become views, for every surface that lists them (history,
 * replays, search, threads). Whatever a view carries beyond its row (mentions, ...) is loaded
 * here with ONE query per kind for the whole page, never one per message, so a page costs the
 * same number of queries whatever it holds.
 */
@Injectable()
export class MessageViews {
  constructor(private readonly readState: ReadStateRepository) {}

  async of(parts: readonly MessageParts[]): Promise<MessageView[]> {
    if (!parts.length) return [];
    const ids = parts.map((p) => p.id);
    const mentions = await this.readState.mentionsOf(ids);
    return parts.map((p) => toMessageView({ ...p, mentions: mentions.get(p.id) ?? [] }));
  }
}
