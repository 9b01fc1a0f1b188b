import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One user's reaction with one emoji on one message (unique per triple). */
@Entity({ name: 'message_reactions' })
export class MessageReaction {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'message_id', type: 'int' })
  messageId!: number;

  @Column({ name: 'user_id', type: 'int' })
  userId!: number;

  /** As stored by normalizeEmoji: NFC, without U+FE0F; or a `:shortcode:`. */
  @Column({ type: 'varchar', length: 64 })
  emoji!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
