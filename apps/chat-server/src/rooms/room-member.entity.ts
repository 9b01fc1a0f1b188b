import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';
import { Room } from './room.entity';

@Entity({ name: 'room_members' })
export class RoomMember {
  @PrimaryColumn({ name: 'room_id', type: 'int' })
  roomId!: number;

  @PrimaryColumn({ name: 'user_id', type: 'int' })
  userId!: number;

  @ManyToOne(() => Room, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'room_id' })
  room?: Room;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ name: 'joined_at', type: 'datetime', precision: 3 })
  joinedAt!: Date;

  /** The read marker: the newest message the user has read here (null: none it could have read). */
  @Column({ name: 'last_read_message_id', type: 'int', nullable: true })
  lastReadMessageId!: number | null;
}
