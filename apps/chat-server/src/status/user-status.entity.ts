import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity';

export const STATUS_VALUES = ['online', 'offline', 'typing', 'playing'] as const;
export type StatusValue = (typeof STATUS_VALUES)[number];

/** The last status a user chose explicitly (PUT /api/status); live presence overlays it. */
@Entity({ name: 'user_statuses' })
export class UserStatus {
  @PrimaryColumn({ name: 'user_id', type: 'int' })
  userId!: number;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 16 })
  status!: StatusValue;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
