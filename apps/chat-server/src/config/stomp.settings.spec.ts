import { EnvReader } from './env-reader';
import { stompSettings } from './stomp.settings';

describe('stompSettings', () => {
  it('has the documented defaults', () => {
    expect(stompSettings(new EnvReader({})).stomp).toEqual({
      heartbeatMs: 10000,
      maxFrameBytes: 65536,
      slowConsumerBytes: 524288,
      slowConsumerMs: 10000,
      connectTimeoutMs: 10000,
      maxSessionsPerIp: 20000,
      maxFramesInFlight: 32,
      sockjsLegacyTransports: true,
      maxSessionsPerUser: 20,
      maxSubscriptionsPerSession: 1000,
      maxTransactionsPerSession: 8,
      maxTransactionBytes: 65536,
      maxUnackedPerSession: 1000,
      maxPendingBytes: 1048576,
    });
  });

  it('reads the frames in flight per session, 1-1000', () => {
    expect(stompSettings(new EnvReader({ STOMP_MAX_FRAMES_IN_FLIGHT: '4' })).stomp.maxFramesInFlight).toBe(4);
    const reader = new EnvReader({ STOMP_MAX_FRAMES_IN_FLIGHT: '0' });
    stompSettings(reader);
    expect(reader.errors).toEqual(['STOMP_MAX_FRAMES_IN_FLIGHT must be between 1 and 1000 (got 0)']);
  });

  it('switches the legacy SockJS transports off on request', () => {
    expect(
      stompSettings(new EnvReader({ SOCKJS_LEGACY_TRANSPORTS: 'false' })).stomp.sockjsLegacyTransports,
    ).toBe(false);
    const reader = new EnvReader({ SOCKJS_LEGACY_TRANSPORTS: 'off' });
    stompSettings(reader);
    expect(reader.errors).toEqual(['SOCKJS_LEGACY_TRANSPORTS must be true or false (got "off")']);
  });

  it('reads every limit and refuses one out of range', () => {
    const reader = new EnvReader({ STOMP_HEARTBEAT_MS: '0', STOMP_MAX_FRAME_BYTES: '100' });
    expect(stompSettings(reader).stomp.heartbeatMs).toBe(0);
    expect(reader.errors).toEqual(['STOMP_MAX_FRAME_BYTES must be between 1024 and 16777216 (got 100)']);
  });

  it('reads the per-user and per-session bounds; 0 transactions turns BEGIN off', () => {
    const reader = new EnvReader({
      STOMP_MAX_SESSIONS_PER_USER: '3',
      STOMP_MAX_SUBSCRIPTIONS_PER_SESSION: '50',
      STOMP_MAX_TRANSACTIONS_PER_SESSION: '0',
      STOMP_MAX_TRANSACTION_BYTES: '4096',
      STOMP_MAX_UNACKED_PER_SESSION: '10',
      STOMP_MAX_PENDING_BYTES: '131072',
    });
    expect(stompSettings(reader).stomp).toMatchObject({
      maxSessionsPerUser: 3,
      maxSubscriptionsPerSession: 50,
      maxTransactionsPerSession: 0,
      maxTransactionBytes: 4096,
      maxUnackedPerSession: 10,
      maxPendingBytes: 131072,
    });
    expect(reader.errors).toEqual([]);
  });

  it('refuses a session cap of 0 and a pending budget below one frame', () => {
    const reader = new EnvReader({ STOMP_MAX_SESSIONS_PER_USER: '0', STOMP_MAX_PENDING_BYTES: '1000' });
    stompSettings(reader);
    expect(reader.errors).toEqual([
      'STOMP_MAX_SESSIONS_PER_USER must be between 1 and 100000 (got 0)',
      'STOMP_MAX_PENDING_BYTES must be between 65536 and 1073741824 (got 1000)',
    ]);
  });
});
