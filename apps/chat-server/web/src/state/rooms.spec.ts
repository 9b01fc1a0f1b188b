import { describe, expect, it } from '@jest/globals';
import type { Room } from '../types';
import { roomName, RoomsState } from './rooms';

const ME = 1;
const channel = (id: number, name: string, type: Room['type'] = 'PUBLIC'): Room => ({ id, name, type });

describe('RoomsState', () => {
  it('sorts the sidebar into own channels, own direct messages and other public channels', () => {
    const rooms = new RoomsState(ME);
    rooms.applyLists(
      [channel(1, 'zeta'), channel(2, 'alpha'), channel(3, 'secret', 'PRIVATE'), channel(5, 'other')],
      [
        channel(1, 'zeta'),
        channel(2, 'alpha'),
        channel(3, 'secret', 'PRIVATE'),
        channel(4, '', 'DIRECT_MESSAGE'),
      ],
    );
    const lists = rooms.sidebar();
    expect(lists.channels.map((e) => e.room.id)).toEqual([2, 3, 1]);
    expect(lists.dms.map((e) => e.room.id)).toEqual([4]);
    expect(lists.others.map((e) => e.room.id)).toEqual([5]);
    expect(rooms.listed).toBe(true);
  });

  it('reports the rooms the user is no longer in when the lists arrive again', () => {
    const rooms = new RoomsState(ME);
    rooms.applyLists([channel(1, 'a'), channel(2, 'b')], [channel(1, 'a'), channel(2, 'b')]);
    expect(rooms.applyLists([channel(1, 'a'), channel(2, 'b')], [channel(1, 'a')])).toEqual([2]);
    expect(rooms.isMember(2)).toBe(false);
    expect(rooms.sidebar().others.map((e) => e.room.id)).toEqual([2]);
  });

  it('names a direct message after the peer once the members are known', () => {
    const rooms = new RoomsState(ME);
    rooms.upsert({ id: 9, name: null, type: 'DIRECT_MESSAGE' });
    rooms.joined(9);
    expect(roomName(rooms.get(9)!)).toBe('Direct message');
    expect(rooms.dmsWithoutPeer().map((e) => e.room.id)).toEqual([9]);
    rooms.setMembers(9, [
      { id: ME, username: 'me' },
      { id: 7, username: 'erin' },
    ]);
    expect(roomName(rooms.get(9)!)).toBe('erin');
    expect(rooms.dmsWithoutPeer()).toEqual([]);
    expect(rooms.knownUserIds().sort()).toEqual([1, 7]);
  });

  it('counts unread messages until the room is opened, and forgets them when the user leaves', () => {
    const rooms = new RoomsState(ME);
    rooms.applyLists([], [channel(1, 'a'), channel(2, 'b')]);
    rooms.countUnread(1, 2);
    rooms.countUnread(2, 3);
    expect(rooms.totalUnread()).toBe(5);
    rooms.open(1);
    expect(rooms.current).toBe(1);
    expect(rooms.totalUnread()).toBe(3);
    rooms.left(2);
    expect(rooms.totalUnread()).toBe(0);
  });

  it('lets the creator and admins moderate a room, nobody else', () => {
    const rooms = new RoomsState(ME);
    rooms.upsert({ ...channel(1, 'mine'), creator: { id: ME, username: 'me' } });
    rooms.upsert({ ...channel(2, 'theirs'), creator: { id: 2, username: 'bob' } });
    expect(rooms.canModerate(1, false)).toBe(true);
    expect(rooms.canModerate(2, false)).toBe(false);
    expect(rooms.canModerate(2, true)).toBe(true);
  });
});
