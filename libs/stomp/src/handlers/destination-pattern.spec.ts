import { matchesDestination } from '../bus/stomp-bus';
import { matchesPrefix } from '../destination-prefix';
import { DestinationPattern } from './destination-pattern';

describe('DestinationPattern', () => {
  it('matches literals exactly', () => {
    const pattern = new DestinationPattern('chat.sendMessage');
    expect(pattern.isLiteral).toBe(true);
    expect(pattern.match('chat.sendMessage')).toEqual({});
    expect(pattern.match('chatXsendMessage')).toBeUndefined();
  });

  it('captures {variables} within a segment and escapes the rest', () => {
    const pattern = new DestinationPattern('rooms.{roomId}.{action}');
    expect(pattern.match('rooms.42.typing')).toEqual({ roomId: '42', action: 'typing' });
    expect(pattern.match('rooms.42')).toBeUndefined();
    expect(new DestinationPattern('rooms/{id}/send').match('rooms/a%20b/send')).toEqual({ id: 'a b' });
    expect(new DestinationPattern('rooms/{id}').match('rooms/1/2')).toBeUndefined();
  });
});

describe('destination matching', () => {
  it('matches broker prefixes on segment boundaries', () => {
    expect(matchesPrefix('/topic/a', ['/topic'])).toBe(true);
    expect(matchesPrefix('/topical', ['/topic'])).toBe(false);
    expect(matchesPrefix('/user/queue/x', ['/topic', '/user'])).toBe(true);
  });

  it('matches revocation patterns exactly or by whole-segment prefix', () => {
    expect(matchesDestination('/topic/rooms/5', { exact: '/topic/rooms/5' })).toBe(true);
    expect(matchesDestination('/topic/rooms/5/typing', { exact: '/topic/rooms/5' })).toBe(false);
    expect(matchesDestination('/topic/rooms/5/typing', { prefix: '/topic/rooms/5' })).toBe(true);
    expect(matchesDestination('/topic/rooms/50', { prefix: '/topic/rooms/5' })).toBe(false);
  });
});
