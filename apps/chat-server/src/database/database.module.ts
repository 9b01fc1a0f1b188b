import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppSettings } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { TransactionRunner } from './transaction-runner';

/** The TypeORM connection and the one TransactionRunner every feature writes through. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(database: AppSettings['database']): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(database))],
      providers: [TransactionRunner],
      exports: [TransactionRunner],
    };
  }
}
