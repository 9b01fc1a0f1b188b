import type { Message } from '../types';
import type { Api } from './api';

/** Missed messages come in pages of this many. */
export const CATCH_UP_PAGE = 100;
/** A room catches up at most this many pages at once; scrolling up loads the rest. */
const MAX_ROUNDS = 100;

export interface CatchUpSink {
  /** A page of missed messages, oldest first. */
  deliver(page: Message[]): void;
  /** The room was empty when loaded: this is its newest page now, with older ones left or not. */
  newest(page: Message[], hasMore: boolean): void;
  /** Everything up to these is now held. */
  synced(page: Message[]): void;
}

/**
 * After a reconnect: everything a room received while the page was away, page by page with
 * `?after=<syncedId>`, until a short page.
 */
export async function catchUpRoom(
  api: Api,
  roomId: number,
  syncedId: number,
  sink: CatchUpSink,
): Promise<void> {
  if (syncedId === 0) {
    const page = await api.history(roomId, { size: CATCH_UP_PAGE });
    sink.deliver(page);
    sink.newest(page, page.length >= CATCH_UP_PAGE);
    return;
  }
  let after = syncedId;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const batch = await api.history(roomId, { after, size: CATCH_UP_PAGE });
    sink.deliver(batch);
    if (batch.length === 0) break;
    after = batch[batch.length - 1].id;
    sink.synced(batch);
    if (batch.length < CATCH_UP_PAGE) break;
  }
}
