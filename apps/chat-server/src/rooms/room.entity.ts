import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity';

export enum RoomType {
  PUBLIC = 'PUBLIC',
  PRIVATE = 'PRIVATE',
  DIRECT_MESSAGE = 'DIRECT_MESSAGE',
}

@Entity({ name: 'rooms' })
export class Room {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Lower-cased name of PUBLIC/PRIVATE rooms (unique); null for direct-message rooms. */
  @Column({ name: 'name_key', type: 'varchar', length: 100, nullable: true })
  nameKey!: string | null;

  @Column({ type: 'varchar', length: 20 })
  type!: RoomType;

  /** "<smallerUserId>:<largerUserId>" for direct-message rooms (unique), else null. */
  @Column({ name: 'dm_key', type: 'varchar', length: 32, nullable: true })
  dmKey!: string | null;

  @Column({ name: 'creator_id', type: 'int', nullable: true })
  creatorId!: number | null;

  @ManyToOne(() => User, { nullable: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'creator_id' })
  creator?: User | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
