import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from './user.entity';

/** `blocker` blocked `blocked` (docs/API-DECISIONS.md, "Blocking"). */
@Entity({ name: 'user_blocks' })
export class UserBlock {
  @PrimaryColumn({ name: 'blocker_id', type: 'int' })
  blockerId!: number;

  @PrimaryColumn({ name: 'blocked_id', type: 'int' })
  blockedId!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'blocked_id' })
  blocked?: User;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
