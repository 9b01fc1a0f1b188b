import { EnvReader } from './env-reader';

/**
 * The STOMP broker's limits (heart-beats, frame size, slow consumers, connections per address,
 * frames a session has read and not answered) and transports.
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
  };
}

export function stompSettings(env: EnvReader): StompSettings {
  return {
    stomp: {
      heartbeatMs: env.int('STOMP_HEARTBEAT_MS', 10000, 0, 3_600_000),
      maxFrameBytes: env.int('STOMP_MAX_FRAME_BYTES', 65536, 1024, 16 * 1024 * 1024),
      slowConsumerBytes: env.int('STOMP_SLOW_CONSUMER_BYTES', 524288, 1024, 1024 * 1024 * 1024),
      slowConsumerMs: env.int('STOMP_SLOW_CONSUMER_MS', 10000, 100, 3_600_000),
      connectTimeoutMs: env.int('STOMP_CONNECT_TIMEOUT_MS', 10000, 100, 3_600_000),
      maxSessionsPerIp: env.int('STOMP_MAX_SESSIONS_PER_IP', 20000, 1, 10_000_000),
      maxFramesInFlight: env.int('STOMP_MAX_FRAMES_IN_FLIGHT', 32, 1, 1000),
      sockjsLegacyTransports: env.bool('SOCKJS_LEGACY_TRANSPORTS', true),
    },
  };
}
