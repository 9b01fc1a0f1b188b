import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { MessageReaction } from './message-reaction.entity';
import { ReactionDto } from './message-view';

/** How many user ids a reaction lists (its `count` stays exact). */
export const MAX_REACTION_USER_IDS = 100;

interface ReactionRow {
  messageId: number | string;
  emoji: string;
  userId: number | string;
  cnt: number | string;
}

/** Reactions storage: one row per (message, user, emoji), unique. */
@Injectable()
export class ReactionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The reactions of these messages in ONE query, whatever their number: per message, one item
   * per emoji in order of first use, the first 100 user ids and the exact count (window functions
   * over the `(message_id, emoji, id)` index).
   */
  async reactionsOf(messageIds: readonly number[]): Promise<Map<number, ReactionDto[]>> {
    const byMessage = new Map<number, ReactionDto[]>();
    if (!messageIds.length) return byMessage;
    const rows: ReactionRow[] = await this.dataSource.query(
      'SELECT messageId, emoji, userId, cnt FROM (SELECT message_id AS messageId, emoji, user_id AS userId, ' +
        'ROW_NUMBER() OVER (PARTITION BY message_id, emoji ORDER BY id) AS rn, ' +
        'COUNT(*) OVER (PARTITION BY message_id, emoji) AS cnt, ' +
        'MIN(id) OVER (PARTITION BY message_id, emoji) AS firstId ' +
        `FROM message_reactions WHERE message_id IN (${messageIds.map(() => '?').join(', ')})) r ` +
        'WHERE rn <= ? ORDER BY messageId, firstId, rn',
      [...messageIds, MAX_REACTION_USER_IDS],
    );
    let current: ReactionDto | undefined;
    for (const row of rows) {
      const messageId = Number(row.messageId);
      let list = byMessage.get(messageId);
      if (!list) byMessage.set(messageId, (list = []));
      if (!current || list.at(-1) !== current || current.emoji !== row.emoji) {
        current = { emoji: row.emoji, count: Number(row.cnt), userIds: [] };
        list.push(current);
      }
      current.userIds.push(Number(row.userId));
    }
    return byMessage;
  }

  /** How many distinct emojis a message carries, and whether `emoji` is one of them. */
  async emojiStats(messageId: number, emoji: string): Promise<{ distinct: number; present: boolean }> {
    const rows: Array<{ distinct: number | string; present: number | string | null }> =
      await this.dataSource.query(
        'SELECT COUNT(DISTINCT emoji) AS `distinct`, MAX(CASE WHEN emoji = ? THEN 1 ELSE 0 END) AS present ' +
          'FROM message_reactions WHERE message_id = ?',
        [emoji, messageId],
      );
    return { distinct: Number(rows[0]?.distinct ?? 0), present: Number(rows[0]?.present ?? 0) === 1 };
  }

  /**
   * Stores a reaction; false when the user already had it (the unique key absorbs concurrent
   * identical reactions). Sets the message's `has_reactions` first, so a history page that can see
   * the reaction always reads it. Throws a foreign-key violation when the message (or user) is gone.
   */
  async add(messageId: number, userId: number, emoji: string): Promise<boolean> {
    await this.dataSource.query('UPDATE messages SET has_reactions = 1 WHERE id = ? AND has_reactions = 0', [
      messageId,
    ]);
    try {
      await this.dataSource
        .getRepository(MessageReaction)
        .insert({ messageId, userId, emoji, createdAt: new Date() });
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Removes a reaction; false when the user did not have it. */
  async remove(messageId: number, userId: number, emoji: string): Promise<boolean> {
    return !!(await this.dataSource.getRepository(MessageReaction).delete({ messageId, userId, emoji }))
      .affected;
  }
}
