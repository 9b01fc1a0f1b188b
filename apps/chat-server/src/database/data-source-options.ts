import { DataSourceOptions } from 'typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppSettings } from '../config/app-config';
import { Message } from '../messages/message.entity';
import { MessageReaction } from '../messages/message-reaction.entity';
import { Notification } from '../notifications/notification.entity';
import { RoomMember } from '../rooms/room-member.entity';
import { Room } from '../rooms/room.entity';
import { UserStatus } from '../status/user-status.entity';
import { UserBlock } from '../users/user-block.entity';
import { User } from '../users/user.entity';
import { TypeOrmLogger } from './typeorm-logger';
import { CreateUsers1732000000000 } from './migrations/1732000000000-create-users';
import { CreateRoomsAndMessages1732000000001 } from './migrations/1732000000001-create-rooms-and-messages';
import { CreateNotificationsAndStatuses1732000000002 } from './migrations/1732000000002-create-notifications-and-statuses';
import { ReadStateAndMentions1732000000003 } from './migrations/1732000000003-read-state-and-mentions';
import { EditsReactionsThreads1732000000004 } from './migrations/1732000000004-edits-reactions-threads';
import { MessageSearch1732000000005 } from './migrations/1732000000005-message-search';
import { Blocks1732000000007 } from './migrations/1732000000007-blocks';

export const ENTITIES = [
  User,
  Room,
  RoomMember,
  Message,
  Notification,
  UserStatus,
  MessageReaction,
  UserBlock,
];
export const MIGRATIONS = [
  CreateUsers1732000000000,
  CreateRoomsAndMessages1732000000001,
  CreateNotificationsAndStatuses1732000000002,
  ReadStateAndMentions1732000000003,
  EditsReactionsThreads1732000000004,
  MessageSearch1732000000005,
  Blocks1732000000007,
];

/**
 * The one place that turns configuration into TypeORM options, used by the app and by
 * ormconfig.ts (the TypeORM CLI). Schema comes from migrations only, run at startup.
 */
export function dataSourceOptions(db: AppSettings['database']): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logger: new TypeOrmLogger(),
    logging: ['error' as const, 'warn' as const, 'migration' as const],
    maxQueryExecutionTime: 1000,
  };
  if (db.kind === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: db.url,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      poolSize: db.poolSize,
      connectTimeout: 10000,
      extra: {
        enableKeepAlive: true,
        maxIdle: db.poolSize,
        idleTimeout: 60000,
        waitForConnections: true,
        queueLimit: 10000,
      },
    };
  }
  if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: db.path,
    enableWAL: true,
    prepareDatabase: (conn: { pragma: (s: string) => unknown }) => {
      // better-sqlite3 runs statements synchronously, so the only wait that can be bounded is a
      // lock held by another process (the sqlite3 shell, a second server on the same file).
      conn.pragma(`busy_timeout = ${db.queryTimeoutMs}`);
      conn.pragma(`synchronous = ${db.synchronous}`);
    },
  };
}
