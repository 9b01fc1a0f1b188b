import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

export enum NotificationType {
  /** Sent through POST /api/notifications by a user or an admin. */
  USER = 'USER',
  /** The user was added to a room. */
  ROOM_INVITE = 'ROOM_INVITE',
  /** A direct message arrived. */
  DIRECT_MESSAGE = 'DIRECT_MESSAGE',
  /** The user was @mentioned in a message of a PUBLIC or PRIVATE room. */
  MENTION = 'MENTION',
  /** Someone replied in a thread the user started or replied in. */
  REPLY = 'REPLY',
}

/** The types a user causes (its `sender`); a type the system sends on its own is not listed. */
export const SENT_BY_USERS: ReadonlySet<NotificationType> = new Set([
  NotificationType.USER,
  NotificationType.ROOM_INVITE,
  NotificationType.DIRECT_MESSAGE,
  NotificationType.MENTION,
  NotificationType.REPLY,
]);

@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'user_id', type: 'int' })
  userId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 32 })
  type!: NotificationType;

  @Column({ type: 'varchar', length: 1000 })
  message!: string;

  @Column({ name: 'is_read', type: 'boolean', default: false })
  read!: boolean;

  /** Who caused it (null for the system or once that user is deleted). */
  @Column({ name: 'actor_id', type: 'int', nullable: true })
  actorId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'actor_id' })
  actor?: User | null;

  /** The room it is about, when there is one. */
  @Column({ name: 'room_id', type: 'int', nullable: true })
  roomId!: number | null;

  /** The message it is about (MENTION, DIRECT_MESSAGE, REPLY); null once that message is deleted. */
  @Column({ name: 'message_id', type: 'int', nullable: true })
  messageId!: number | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
