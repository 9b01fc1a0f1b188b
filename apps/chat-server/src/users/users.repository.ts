import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { StatusValue } from '../status/user-status.entity';
import { User } from './user.entity';

export interface DirectoryRow {
  id: number;
  username: string;
  status: StatusValue;
}

/** `!` escapes LIKE's wildcards (usernames never hold `!`, `%`; `_` is escaped too). */
const likePrefix = (text: string): string => `${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;

/** Queries about users that walk the user base. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /**
   * One directory page: usernames starting with `prefix` (lower case), after `after` (lower
   * case), by the unique lower-cased key, with each user's status (offline without a row). One
   * query, on the unique `username_key` index.
   */
  async directoryPage(prefix: string, after: string | undefined, size: number): Promise<DirectoryRow[]> {
    const query = this.users
      .createQueryBuilder('u')
      .leftJoin('user_statuses', 's', 's.user_id = u.id')
      .select('u.id', 'id')
      .addSelect('u.username', 'username')
      .addSelect('s.status', 'status')
      .orderBy('u.username_key', 'ASC')
      .limit(size);
    if (prefix) query.andWhere("u.username_key LIKE :prefix ESCAPE '!'", { prefix: likePrefix(prefix) });
    if (after !== undefined) query.andWhere('u.username_key > :after', { after });
    const rows = await query.getRawMany<{
      id: number | string;
      username: string;
      status: StatusValue | null;
    }>();
    return rows.map((r) => ({ id: Number(r.id), username: r.username, status: r.status ?? 'offline' }));
  }
}
