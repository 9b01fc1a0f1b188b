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
});
