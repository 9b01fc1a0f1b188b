import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runTransactionScript, TransactionScript } from './transaction-script';

/**
 * Runs database transactions, one at a time on SQLite.
 *
 * better-sqlite3 gives TypeORM a single connection: two transactions open at once share it, so
 * the second becomes a savepoint of the first and one's rollback takes the other's writes with it
 * (TypeORM's `save()` opens such a transaction too). On SQLite every transaction therefore waits
 * for the previous one to settle; on MySQL/MariaDB each runs at once on its own pooled connection.
 * One instance for the whole app (DatabaseModule is global), so the queue covers every feature.
 */
@Injectable()
export class TransactionRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly serialised: boolean;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.serialised = dataSource.options.type === 'better-sqlite3';
  }

  /** `work` inside a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialised) return this.dataSource.transaction(work);
    const run = this.queue.then(() => this.dataSource.transaction(work));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A transaction script (`./transaction-script`). On SQLite it runs in the queue's turn and
   * synchronously, so it neither joins another transaction nor lets any statement in between.
   */
  script<T>(script: () => TransactionScript<T>): Promise<T> {
    if (!this.serialised) return runTransactionScript(this.dataSource, script);
    const run = this.queue.then(() => runTransactionScript(this.dataSource, script));
    this.queue = run.catch(() => undefined);
    return run;
  }
}
