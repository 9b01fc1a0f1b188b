import type { StompAckMode, Subscriber, Subscription } from '../session/subscription';
import { SubscriptionRegistry } from './subscription-registry';

const subscriber = (id: string): Subscriber => ({ id, deliver: () => undefined });

function subscription(
  sessionId: string,
  id: string,
  destination: string,
  userDestination?: string,
  ackMode: StompAckMode = 'auto',
): Subscription {
  return { id, destination, userDestination, ackMode, session: subscriber(sessionId), unacked: new Set() };
}

describe('SubscriptionRegistry', () => {
  let registry: SubscriptionRegistry;
  beforeEach(() => (registry = new SubscriptionRegistry()));

  it('finds broker subscriptions by destination across sessions', () => {
    const a = subscription('s1', 'a', '/topic/rooms/1');
    const b = subscription('s2', 'x', '/topic/rooms/1');
    registry.add('s1', a);
    registry.add('s2', b);
    registry.add('s2', subscription('s2', 'y', '/topic/rooms/2'));
    expect([...(registry.findByDestination('/topic/rooms/1') ?? [])]).toEqual([a, b]);
    expect(registry.findByDestination('/topic/rooms/3')).toBeUndefined();
    expect(registry.size).toBe(3);
  });

  it('keeps user subscriptions per session, out of the broker index', () => {
    const e = subscription('s1', 'e', '/user/queue/errors', '/queue/errors');
    registry.add('s1', e);
    expect(registry.findByDestination('/user/queue/errors')).toBeUndefined();
    expect([...(registry.findUserSubscriptions('s1', '/queue/errors') ?? [])]).toEqual([e]);
    expect(registry.findUserSubscriptions('s2', '/queue/errors')).toBeUndefined();
  });

  it('looks subscriptions up by session and subscription id', () => {
    const a = subscription('s1', 'a', '/topic/a');
    registry.add('s1', a);
    expect(registry.get('s1', 'a')).toBe(a);
    expect(registry.get('s2', 'a')).toBeUndefined();
    expect([...registry.ofSession('s1').keys()]).toEqual(['a']);
    expect(registry.ofSession('nobody').size).toBe(0);
  });

  it('refuses a subscription id already used in the same session, not in another', () => {
    registry.add('s1', subscription('s1', 'a', '/topic/a'));
    expect(() => registry.add('s1', subscription('s1', 'a', '/topic/b'))).toThrow(/already registered/);
    expect(() => registry.add('s2', subscription('s2', 'a', '/topic/b'))).not.toThrow();
  });

  it('removes one subscription and drops emptied indexes', () => {
    registry.add('s1', subscription('s1', 'a', '/topic/a'));
    registry.add('s1', subscription('s1', 'e', '/user/queue/x', '/queue/x'));
    expect(registry.remove('s1', 'a')?.destination).toBe('/topic/a');
    expect(registry.remove('s1', 'a')).toBeUndefined();
    expect(registry.findByDestination('/topic/a')).toBeUndefined();
    expect(registry.remove('s1', 'e')?.userDestination).toBe('/queue/x');
    expect(registry.findUserSubscriptions('s1', '/queue/x')).toBeUndefined();
    expect(registry.size).toBe(0);
  });

  it('removes every subscription of a session and leaves the others', () => {
    const other = subscription('s2', 'a', '/topic/a');
    registry.add('s1', subscription('s1', 'a', '/topic/a'));
    registry.add('s1', subscription('s1', 'b', '/topic/b'));
    registry.add('s1', subscription('s1', 'e', '/user/queue/x', '/queue/x'));
    registry.add('s2', other);
    expect(registry.removeAll('s1')).toBe(3);
    expect(registry.removeAll('s1')).toBe(0);
    expect([...(registry.findByDestination('/topic/a') ?? [])]).toEqual([other]);
    expect(registry.findByDestination('/topic/b')).toBeUndefined();
    expect(registry.ofSession('s1').size).toBe(0);
    expect(registry.size).toBe(1);
  });

  it('matches a session subscriptions by exact destination or whole-segment prefix', () => {
    registry.add('s1', subscription('s1', 'a', '/topic/rooms/5'));
    registry.add('s1', subscription('s1', 'b', '/topic/rooms/5/typing'));
    registry.add('s1', subscription('s1', 'c', '/topic/rooms/50'));
    registry.add('s2', subscription('s2', 'd', '/topic/rooms/5'));
    const ids = (found: Subscription[]) => found.map((s) => s.id);
    expect(ids(registry.match('s1', { prefix: '/topic/rooms/5' }))).toEqual(['a', 'b']);
    expect(ids(registry.match('s1', { exact: '/topic/rooms/5' }))).toEqual(['a']);
    expect(ids(registry.match('s3', { prefix: '/topic' }))).toEqual([]);
  });

  it('lets a caller remove subscriptions while it iterates a destination', () => {
    for (const id of ['a', 'b', 'c']) registry.add(id, subscription(id, id, '/topic/x'));
    const seen: string[] = [];
    for (const s of registry.findByDestination('/topic/x') ?? []) {
      seen.push(s.id);
      registry.removeAll(s.id);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(registry.size).toBe(0);
  });
});
