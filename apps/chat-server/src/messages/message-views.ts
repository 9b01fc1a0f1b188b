import { Injectable } from '@nestjs/common';
import { AttachmentsRepository } from '../attachments/attachments.repository';
import { ReadStateRepository } from '../read-state/read-state.repository';
import { MessageView, toMessageView } from './message-view';
import { StoredParts } from './messages.repository';
import { ReactionsRepository } from './reactions.repository';

/**
 * The one place stored messages become views, for every surface that lists them (history,
 * replays, search, threads, edits). Whatever a view carries beyond its row (mentions, reactions, attachments)
 * is loaded here with at most ONE query per kind for the whole page, never one per message, so a
 * page costs the same number of queries whatever it holds.
 */
@Injectable()
export class MessageViews {
  constructor(
    private readonly readState: ReadStateRepository,
    private readonly reactions: ReactionsRepository,
    private readonly attachments: AttachmentsRepository,
  ) {}

  async of(parts: StoredParts[]): Promise<MessageView[]> {
    if (!parts.length) return [];
    const reacted = parts.filter((p) => p.hasReactions).map((p) => p.id);
    const ids = parts.map((p) => p.id);
    const [mentions, reactions, attachments] = await Promise.all([
      this.readState.mentionsOf(ids),
      this.reactions.reactionsOf(reacted),
      this.attachments.viewsOf(ids),
    ]);
    // the parts are this call's own objects: filled in place, no copy per message
    for (const p of parts) {
      p.mentions = mentions.get(p.id) ?? [];
      p.attachments = attachments.get(p.id) ?? [];
      if (p.hasReactions) p.reactions = reactions.get(p.id) ?? [];
    }
    return parts.map(toMessageView);
  }
}
