import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { CommonModule } from './common/common.module';
import { AllExceptionsFilter, isDependencyUnavailable } from './common/filters/all-exceptions.filter';
import { createValidationPipe } from './common/validation/validation';
import { AppSettings } from './config/app-config';
import { dataSourceOptions } from './database/data-source-options';
import { runMigrationsExclusively } from './database/run-migrations';
import { loggerOptions } from './logging/logger-options';
import { MessagesModule } from './messages/messages.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OpsModule } from './ops/ops.module';
import { RoomsModule } from './rooms/rooms.module';
import { StatusModule } from './status/status.module';
import { UsersModule } from './users/users.module';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule {
  /** The whole server for one set of settings (tests start several with different settings). */
  static forRoot(settings: AppSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.forRoot(settings),
        LoggerModule.forRoot(loggerOptions(settings)),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(settings.database),
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
            return dataSource;
          },
        }),
        UsersModule,
        AuthModule,
        RoomsModule,
        MessagesModule,
        StatusModule,
        NotificationsModule,
        ChatModule,
        OpsModule,
        WebModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
