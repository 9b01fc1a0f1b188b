import { EnvReader } from './env-reader';

/**
 * The STOMP broker's limits: heart-beats, frame size, slow consumers, connections per address,
 * what one user and one session may hold (sessions, subscriptions, transactions, unacked ids,
 * unprocessed frames, frames read and not yet answered), and its transports. Each becomes an
 * option of `libs/stomp` (chat.module.ts).
 */
export interface StompSettings {
  stomp: {
    heartbeatMs: number;
    maxFrameBytes: number;
    slowConsumerBytes: number;
    slowConsumerMs: number;
    connectTimeoutMs: number;
    maxSessionsPerIp: number;
    maxFramesInFlight: number;
    /** Serve SockJS' legacy transports (eventsource, htmlfile, jsonp-polling, iframe-*) too. */
    sockjsLegacyTransports: boolean;
    maxSessionsPerUser: number;
    maxSubscriptionsPerSession: number;
    maxTransactionsPerSession: number;
    maxTransactionBytes: number;
    maxUnackedPerSession: number;
    maxPendingBytes: number;
  };
}

export function stompSettings(env: EnvReader): StompSettings {
  const maxFrameBytes = env.int('STOMP_MAX_FRAME_BYTES', 65536, 1024, 16 * 1024 * 1024);
  return {
    stomp: {
      heartbeatMs: env.int('STOMP_HEARTBEAT_MS', 10000, 0, 3_600_000),
      maxFrameBytes,
      slowConsumerBytes: env.int('STOMP_SLOW_CONSUMER_BYTES', 524288, 1024, 1024 * 1024 * 1024),
      slowConsumerMs: env.int('STOMP_SLOW_CONSUMER_MS', 10000, 100, 3_600_000),
      connectTimeoutMs: env.int('STOMP_CONNECT_TIMEOUT_MS', 10000, 100, 3_600_000),
      maxSessionsPerIp: env.int('STOMP_MAX_SESSIONS_PER_IP', 20000, 1, 10_000_000),
      maxFramesInFlight: env.int('STOMP_MAX_FRAMES_IN_FLIGHT', 32, 1, 1000),
      sockjsLegacyTransports: env.bool('SOCKJS_LEGACY_TRANSPORTS', true),
      maxSessionsPerUser: env.int('STOMP_MAX_SESSIONS_PER_USER', 20, 1, 100_000),
      maxSubscriptionsPerSession: env.int('STOMP_MAX_SUBSCRIPTIONS_PER_SESSION', 1000, 1, 1_000_000),
      maxTransactionsPerSession: env.int('STOMP_MAX_TRANSACTIONS_PER_SESSION', 8, 0, 1000),
      maxTransactionBytes: env.int('STOMP_MAX_TRANSACTION_BYTES', 65536, 1024, 64 * 1024 * 1024),
      maxUnackedPerSession: env.int('STOMP_MAX_UNACKED_PER_SESSION', 1000, 1, 1_000_000),
      // At least one frame of the largest size may wait behind the one being processed.
      maxPendingBytes: env.int('STOMP_MAX_PENDING_BYTES', 1024 * 1024, maxFrameBytes, 1024 * 1024 * 1024),
    },
  };
}
