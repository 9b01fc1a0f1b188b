import { Logger as NestLogger } from '@nestjs/common';
import { Logger, QueryRunner } from 'typeorm';

const EXPECTED = /Duplicate entry|UNIQUE constraint failed/;

/**
 * TypeORM's messages through the application's logger (structured JSON, never console.log).
 * Unique-key violations are expected outcomes of races the services resolve (idempotent sends,
 * find-or-create of direct-message rooms), so they are logged at debug level only.
 */
export class TypeOrmLogger implements Logger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    const message = typeof error === 'string' ? error : error.message;
    if (EXPECTED.test(message))
      this.logger.debug?.({ msg: 'Query refused by a unique key', error: message, query });
    else this.logger.error({ msg: 'Query failed', error: message, query });
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ msg: 'Slow query', ms: time, query });
  }

  /**
   * TypeORM reports migrations through this method: the ones applied, and "No migrations are
   * pending", are startup facts an operator wants at info level; the rest stays at debug.
   */
  logSchemaBuild(message: string): void {
    const applied = /^Migration (\S+) has been executed successfully/.exec(message);
    if (applied) this.logger.log({ msg: `Migration applied: ${applied[1]}`, migration: applied[1] });
    else if (/^No migrations are pending/.test(message))
      this.logger.log('Migrations: none pending, the schema is up to date');
    else this.logger.debug?.(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown, _queryRunner?: QueryRunner): void {
    if (level === 'warn') this.logger.warn(message);
    else this.logger.log(message);
  }
}
