import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isDependencyUnavailable } from '../common/filters/all-exceptions.filter';
import { AppSettings } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { boundMysqlWaits } from './query-timeouts';
import { runMigrationsExclusively } from './run-migrations';
import { TransactionRunner } from './transaction-runner';

/** The TypeORM connection and the one TransactionRunner every feature writes through. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(database: AppSettings['database']): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(database),
            // Run below, under a lock, so that instances starting together migrate once.
            migrationsRun: false,
            // A database that is not up yet is waited for (10 tries, 3 s apart); a refusal that
            // retrying cannot fix (bad password, unknown database or host) fails the start at once.
            retryAttempts: 10,
            retryDelay: 3000,
            toRetry: isDependencyUnavailable,
            verboseRetryLog: true,
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            try {
              await runMigrationsExclusively(dataSource);
            } catch (err) {
              await dataSource.destroy();
              throw err;
            }
            // From now on no wait on MySQL/MariaDB is unbounded (migrations may take minutes).
            if (database.kind === 'mysql') boundMysqlWaits(dataSource, database.queryTimeoutMs);
            return dataSource;
          },
        }),
      ],
      providers: [TransactionRunner],
      exports: [TransactionRunner],
    };
  }
}
