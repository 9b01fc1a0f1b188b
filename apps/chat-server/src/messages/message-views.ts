import { Injectable } from '@nestjs/common';
import { AttachmentsRepository } from '../attachments/attachments.repository';
import { ReadStateRepository } from '../read-state/read-state.repository';
import { UserPrivacy } from '../users/user-privacy';
import { MessageParts, MessageView, toMessageView } from './message-view';
import { StoredParts } from './messages.repository';
import { ReactionsRepository } from './reactions.repository';

/**
 * The one place stored messages become views, for every surface that shows them (the live
 * MESSAGE and send answer through `one`, history, replays, search, threads, edits through `of`).
 * Whatever a view carries beyond its row (mentions, reactions, attachments) is loaded here with at most ONE
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
    private readonly attachments: AttachmentsRepository,
  ) {}

  /** The view of a message whose parts are all at hand (a new message: no reactions yet). */
  one(parts: MessageParts): MessageView {
    return this.shown(toMessageView(parts));
  }

  async of(parts: StoredParts[]): Promise<MessageView[]> {
    if (!parts.length) return [];
    // Only the messages that can have them are looked up, so a page of plain messages costs its
    // one SELECT: a mention is an `@name` in the text (no `@`, no mention row), reactions and
    // attachments are flagged on the row. At most three more queries, whatever the page holds.
    const reacted = parts.filter((p) => p.hasReactions).map((p) => p.id);
    const mentioning = parts.filter((p) => p.content.includes('@')).map((p) => p.id);
    const attached = parts.filter((p) => p.hasAttachments).map((p) => p.id);
    const [mentions, reactions, attachments] = await Promise.all([
      this.readState.mentionsOf(mentioning),
      this.reactions.reactionsOf(reacted),
      this.attachments.viewsOf(attached),
    ]);
    // the parts are this call's own objects: filled in place, no copy per message
    for (const p of parts) {
      p.mentions = mentions.get(p.id) ?? [];
      p.attachments = attachments.get(p.id) ?? [];
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
