import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { FTS_TABLE } from '../../database/migrations/1732000000005-message-search';
import { MessageParts } from '../message-view';
import { MessagesRepository } from '../messages.repository';
import {
  FulltextLimits,
  fts5Query,
  INNODB_DEFAULT_STOPWORDS,
  mysqlFulltextQuery,
  MysqlFulltextQuery,
  SearchTerm,
} from './search-terms';

/** Where and what to look at: `memberId` limits to that user's rooms now (in the same query). */
export interface SearchScope {
  memberId?: number;
  roomId?: number;
  senderId?: number;
  before?: number;
  size: number;
}

/** A query the engine can run, or null: nothing in it the index can narrow by (MySQL only). */
export type EngineQuery = { kind: 'fts5'; match: string } | ({ kind: 'mysql' } & MysqlFulltextQuery);

/**
 * Message search: one SQL statement per page, driven by the full-text index (the join order is
 * pinned so the planner cannot start from the rooms' messages instead: STRAIGHT_JOIN on MySQL,
 * CROSS JOIN on SQLite), joined with the caller's current memberships, newest first.
 */
@Injectable()
export class SearchRepository {
  private limits?: Promise<FulltextLimits>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly messages: MessagesRepository,
  ) {}

  private get mysql(): boolean {
    const type = this.dataSource.options.type;
    return type === 'mysql' || type === 'mariadb';
  }

  /** What the MySQL index holds (read once from the server's settings); null on SQLite. */
  async fulltextLimits(): Promise<FulltextLimits | null> {
    if (!this.mysql) return null;
    this.limits ??= this.readLimits().catch((err: unknown) => {
      this.limits = undefined;
      throw err;
    });
    return this.limits;
  }

  async engineQuery(terms: readonly SearchTerm[]): Promise<EngineQuery | null> {
    const limits = await this.fulltextLimits();
    if (!limits) return { kind: 'fts5', match: fts5Query(terms) };
    const query = mysqlFulltextQuery(terms, limits);
    return query && { kind: 'mysql', ...query };
  }

  async search(query: EngineQuery, scope: SearchScope): Promise<MessageParts[]> {
    const { sql, params } = this.statement(query, scope);
    return this.messages.queryParts(sql, params);
  }

  /** The one statement of a page (public so a test can EXPLAIN exactly what runs). */
  statement(query: EngineQuery, scope: SearchScope): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    let from: string;
    const where: string[] = [];
    const member = 'room_members rm ON rm.room_id = m.room_id AND rm.user_id = ?';
    if (query.kind === 'mysql') {
      from = 'messages m';
      if (scope.memberId !== undefined) {
        from += ` STRAIGHT_JOIN ${member}`;
        params.push(scope.memberId);
      }
      where.push('MATCH(m.content) AGAINST (? IN BOOLEAN MODE)');
      params.push(query.against);
    } else {
      from = `${FTS_TABLE} CROSS JOIN messages m ON m.id = ${FTS_TABLE}.rowid`;
      if (scope.memberId !== undefined) {
        from += ` CROSS JOIN ${member}`;
        params.push(scope.memberId);
      }
      where.push(`${FTS_TABLE} MATCH ?`);
      params.push(query.match);
    }
    const id = query.kind === 'mysql' ? 'm.id' : `${FTS_TABLE}.rowid`;
    if (scope.roomId !== undefined) {
      where.push('m.room_id = ?');
      params.push(scope.roomId);
    }
    if (scope.senderId !== undefined) {
      where.push('m.sender_id = ?');
      params.push(scope.senderId);
    }
    if (scope.before !== undefined) {
      where.push(`${id} < ?`);
      params.push(scope.before);
    }
    if (query.kind === 'mysql')
      for (const pattern of query.patterns) {
        where.push('m.content REGEXP ?');
        params.push(pattern);
      }
    params.push(scope.size);
    const rest = `WHERE ${where.join(' AND ')} ORDER BY ${id} DESC LIMIT ?`;
    return { sql: this.messages.viewSql(from, rest), params };
  }

  private async readLimits(): Promise<FulltextLimits> {
    const [row] = (await this.dataSource.query(
      'SELECT @@innodb_ft_min_token_size AS minToken, @@innodb_ft_max_token_size AS maxToken, ' +
        '@@innodb_ft_enable_stopword AS stopwords',
    )) as { minToken: number | string; maxToken: number | string; stopwords: number | string }[];
    return {
      minToken: Number(row.minToken),
      maxToken: Number(row.maxToken),
      stopwords: new Set(Number(row.stopwords) ? INNODB_DEFAULT_STOPWORDS : []),
    };
  }
}
