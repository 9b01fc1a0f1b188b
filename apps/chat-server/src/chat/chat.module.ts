import { Global, Module } from '@nestjs/common';
import {
  InProcessStompBus,
  RedisStompBus,
  SOCKJS_LEGACY_TRANSPORTS,
  SOCKJS_TRANSPORTS,
  STOMP_AUTHENTICATOR,
  STOMP_AUTHORIZER,
  STOMP_BUS,
  StompModule,
} from '@app/stomp';
import { readFileSync } from 'node:fs';
import { RedisConnections } from '../cluster/redis-connections';
import { AppConfig } from '../config/app-config';
import { RealtimePublisher } from '../common/realtime/realtime-publisher';
import { MessagesModule } from '../messages/messages.module';
import { appSecurityHeaders } from '../ops/configure-http';
import { ReadStateModule } from '../read-state/read-state.module';
import { RoomsModule } from '../rooms/rooms.module';
import { StatusModule } from '../status/status.module';
import { UsersModule } from '../users/users.module';
import { ChatHandlers } from './chat.handlers';
import { LiveRoomEvents } from './live-room-events';
import { PresenceTracker } from './presence-tracker';
import { ChatStompAuthenticator, ChatStompAuthorizer } from './stomp-auth';
import { mapStompError } from './stomp-errors';
import { StompMetrics } from './stomp-metrics';
import { StompRealtimePublisher } from './stomp-realtime-publisher';
import { TypingService } from './typing.service';

/** Endpoints: SockJS at `/ws/chat` and raw WebSocket at `/ws/chat/websocket`, on the HTTP port. */
export const STOMP_PATH = '/ws/chat';

/**
 * The SockJS client the iframe transports load, served by the endpoint itself (the version
 * package-lock.json pins, the one the web client bundles), never a CDN's.
 */
export function sockjsClientScript(): Buffer {
  return readFileSync(require.resolve('sockjs-client/dist/sockjs.min.js'));
}

/**
 * The real-time chat on our STOMP broker. Global so every feature can push live through
 * RealtimePublisher without knowing about STOMP.
 */
@Global()
@Module({
  imports: [
    StompModule.forRootAsync({
      inject: [AppConfig],
      useFactory: ({ settings }: AppConfig) => ({
        path: STOMP_PATH,
        heartbeat: { outgoing: settings.stomp.heartbeatMs, incoming: settings.stomp.heartbeatMs },
        limits: {
          maxFrameBytes: settings.stomp.maxFrameBytes,
          maxOutboundBufferBytes: settings.stomp.slowConsumerBytes,
          slowConsumerTimeoutMs: settings.stomp.slowConsumerMs,
          maxConnectionsPerAddress: settings.stomp.maxSessionsPerIp,
          maxSessionsPerUser: settings.stomp.maxSessionsPerUser,
          maxSubscriptionsPerSession: settings.stomp.maxSubscriptionsPerSession,
          maxTransactionsPerSession: settings.stomp.maxTransactionsPerSession,
          maxTransactionBytes: settings.stomp.maxTransactionBytes,
          maxUnackedPerSession: settings.stomp.maxUnackedPerSession,
          maxPendingBytes: settings.stomp.maxPendingBytes,
          maxFramesInFlight: settings.stomp.maxFramesInFlight,
        },
        connectTimeoutMs: settings.stomp.connectTimeoutMs,
        // As strict as the REST surface: its security headers, its CORS origins.
        sockjs: {
          transports: settings.stomp.sockjsLegacyTransports
            ? SOCKJS_TRANSPORTS
            : SOCKJS_TRANSPORTS.filter((t) => !SOCKJS_LEGACY_TRANSPORTS.includes(t)),
          allowedOrigins: settings.corsOrigins,
          responseHeaders: appSecurityHeaders(settings),
          clientScript: sockjsClientScript(),
        },
        serverName: 'chat-server/1.0',
        mapError: mapStompError,
      }),
    }),
    UsersModule,
    RoomsModule,
    MessagesModule,
    ReadStateModule,
    StatusModule,
  ],
  providers: [
    { provide: STOMP_AUTHENTICATOR, useClass: ChatStompAuthenticator },
    { provide: STOMP_AUTHORIZER, useClass: ChatStompAuthorizer },
    {
      // With REDIS_URL, broadcasts and user messages reach sessions on every instance.
      provide: STOMP_BUS,
      inject: [RedisConnections],
      useFactory: (redis: RedisConnections) =>
        redis.enabled
          ? new RedisStompBus({
              publisher: redis.command!,
              subscriber: redis.subscriber!,
              channel: redis.key('stomp'),
              instanceId: redis.instanceId,
            })
          : new InProcessStompBus(),
    },
    { provide: RealtimePublisher, useClass: StompRealtimePublisher },
    ChatHandlers,
    TypingService,
    LiveRoomEvents,
    PresenceTracker,
    StompMetrics,
  ],
  exports: [RealtimePublisher],
})
export class ChatModule {}
