import { Injectable } from '@nestjs/common';
import { ReadStateRepository } from '../read-state/read-state.repository';
import { UserPrivacy } from '../users/user-privacy';
import { MessageParts, MessageView, toMessageView } from './message-view';
import { StoredParts } from './messages.repository';
import { ReactionsRepository } from './reactions.repository';

/**
 * The one place stored messages become views, for every surface that shows them (the live
 * MESSAGE and send answer through `one`, history, replays, search, threads, edits through `of`).
 * Whatever a view carries beyond its row (mentions, reactions) is loaded here with at most ONE
 * query per kind for the whole page, never one per message, so a page costs the same number of
 * queries whatever it holds. The sender's e-mail follows USER_EMAIL_VISIBILITY here, once: a view
 * is one object for every viewer (the live MESSAGE is encoded once for all subscribers).
 */
@Injectable()
export class MessageViews {
  constructor(
    private readonly readState: ReadStateRepository,
    private readonly reactions: ReactionsRepository,
    private readonly privacy: UserPrivacy,
  ) {}

  /** The view of a message whose parts are all at hand (a new message: no reactions yet). */
  one(parts: MessageParts): MessageView {
    return this.shown(toMessageView(parts));
  }

  async of(parts: StoredParts[]): Promise<MessageView[]> {
    if (!parts.length) return [];
    const reacted = parts.filter((p) => p.hasReactions).map((p) => p.id);
    const [mentions, reactions] = await Promise.all([
      this.readState.mentionsOf(parts.map((p) => p.id)),
      this.reactions.reactionsOf(reacted),
    ]);
    // the parts are this call's own objects: filled in place, no copy per message
    for (const p of parts) {
      p.mentions = mentions.get(p.id) ?? [];
      if (p.hasReactions) p.reactions = reactions.get(p.id) ?? [];
    }
    return parts.map((p) => this.shown(toMessageView(p)));
  }

  /** With USER_EMAIL_VISIBILITY=admins, no sender's address (the deleted-user shape has none). */
  private shown(view: MessageView): MessageView {
    if (!this.privacy.senderEmails && view.sender.id !== null) view.sender.email = null;
    return view;
  }
}
