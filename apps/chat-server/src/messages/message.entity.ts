import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Room } from '../rooms/room.entity';
import { User } from '../users/user.entity';

@Entity({ name: 'messages' })
export class Message {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'room_id', type: 'int' })
  roomId!: number;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id' })
  room?: Room;

  /** Null once the sender's account is deleted: the message stays, shown as from a deleted user. */
  @Column({ name: 'sender_id', type: 'int', nullable: true })
  senderId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'sender_id' })
  sender?: User | null;

  @Column({ type: 'text' })
  content!: string;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3 })
  sentAt!: Date;

  /** Client-chosen id that makes a retried send idempotent; unique per sender. */
  @Column({ name: 'client_message_id', type: 'varchar', length: 64, nullable: true })
  clientMessageId!: string | null;

  @Column({ name: 'edited_at', type: 'datetime', precision: 3, nullable: true })
  editedAt!: Date | null;

  /** The thread root of a reply; null for a top-level message. */
  @Column({ name: 'parent_id', type: 'int', nullable: true })
  parentId!: number | null;

  @Column({ name: 'reply_count', type: 'int', default: 0 })
  replyCount!: number;

  @Column({ name: 'last_reply_at', type: 'datetime', precision: 3, nullable: true })
  lastReplyAt!: Date | null;

  /** Set before the first reaction is stored (see the 1732000000004 migration). */
  @Column({ name: 'has_reactions', type: 'boolean', default: false })
  hasReactions!: boolean;
}
