import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuthModule } from './auth/auth.module';
import { ChatModule } from './chat/chat.module';
import { CommonModule } from './common/common.module';
import { AllExceptionsFilter } from './common/filters/all-exceptions.filter';
import { createValidationPipe } from './common/validation/validation';
import { AppSettings } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { loggerOptions } from './logging/logger-options';
import { MessagesModule } from './messages/messages.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OpsModule } from './ops/ops.module';
import { ReadStateModule } from './read-state/read-state.module';
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
        DatabaseModule.forRoot(settings.database),
        UsersModule,
        AuthModule,
        RoomsModule,
        MessagesModule,
        AttachmentsModule,
        ReadStateModule,
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
