import { AppDestination, appDestination } from '../../../src/common/realtime/destinations';
import type { PendingSend } from '../state/pending-sends';
import type { Message } from '../types';
import { ApiError } from './api-error';
import type { Api } from './api';
import type { Live } from './live';

/** How a send ended: the server confirmed it, answered with the stored message, or it failed. */
export type SendOutcome =
  | { kind: 'confirmed' }
  | { kind: 'stored'; message: Message }
  | { kind: 'failed'; error: string; offline: boolean };

/**
 * Over STOMP with a receipt when connected; over REST when not, so nothing typed is lost. The
 * `clientMessageId` makes a retry idempotent either way.
 */
export async function sendMessage(live: Live, api: Api, p: PendingSend): Promise<SendOutcome> {
  try {
    if (live.connected) {
      const body = {
        roomId: p.roomId,
        content: p.content,
        clientMessageId: p.clientMessageId,
        ...(p.attachmentIds?.length ? { attachmentIds: p.attachmentIds } : {}),
      };
      await live.send(appDestination(AppDestination.sendMessage), body, true);
      return { kind: 'confirmed' };
    }
    const message = await api.postMessage(p.roomId, p.content, p.clientMessageId, p.attachmentIds);
    return message ? { kind: 'stored', message: { ...message, roomId: p.roomId } } : { kind: 'confirmed' };
  } catch (err) {
    // A refusal (4xx) stays failed; a lost connection or an unreachable/restarting server does not.
    const offline = !(err instanceof ApiError) || err.status === 0 || err.status >= 500;
    return { kind: 'failed', error: err instanceof Error ? err.message : String(err), offline };
  }
}
