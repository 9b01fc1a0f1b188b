import { connectFrame, RawStompSocket } from '../../helpers/stomp-client';

export interface StompOutcome {
  /** The first server frame's command (CONNECTED, ERROR, RECEIPT, MESSAGE) or undefined. */
  command: string | undefined;
  /** The `message` header of an ERROR frame. */
  message: string | undefined;
  closed: boolean;
}

const header = (frame: string, name: string) =>
  frame
    .split('\n')
    .find((l) => l.startsWith(`${name}:`))
    ?.slice(name.length + 1);

/** What a raw STOMP CONNECT with this token gets: CONNECTED, or ERROR then close. */
export async function stompConnect(baseUrl: string, token: string): Promise<StompOutcome> {
  const raw = await RawStompSocket.open(baseUrl);
  try {
    raw.send(connectFrame(token));
    await raw.until(() => !!raw.frame('CONNECTED') || (!!raw.frame('ERROR') && raw.closed), 'CONNECT answer');
    const error = raw.frame('ERROR');
    return {
      command: raw.frame('CONNECTED') ? 'CONNECTED' : error ? 'ERROR' : undefined,
      message: error ? header(error, 'message') : undefined,
      closed: raw.closed,
    };
  } finally {
    raw.close();
  }
}

/** A connected raw socket (CONNECTED received). */
export async function rawConnected(baseUrl: string, token: string): Promise<RawStompSocket> {
  const raw = await RawStompSocket.open(baseUrl);
  raw.send(connectFrame(token));
  await raw.until(() => !!raw.frame('CONNECTED') || raw.closed, 'CONNECTED');
  if (!raw.frame('CONNECTED')) throw new Error(`CONNECT refused: ${JSON.stringify(raw.frames)}`);
  return raw;
}

/**
 * SUBSCRIBE with a receipt on a connected raw socket: 'allowed' (RECEIPT) or 'refused' (ERROR,
 * then the connection closes).
 */
export async function rawSubscribe(raw: RawStompSocket, destination: string): Promise<'allowed' | 'refused'> {
  const id = `s${Math.random().toString(36).slice(2)}`;
  raw.send(`SUBSCRIBE\nid:${id}\ndestination:${destination}\nreceipt:${id}\n\n\0`);
  await raw.until(
    () => raw.frames.some((f) => f.startsWith('RECEIPT\n') && header(f, 'receipt-id') === id) || raw.closed,
    `answer to SUBSCRIBE ${destination}`,
  );
  if (raw.frames.some((f) => f.startsWith('RECEIPT\n') && header(f, 'receipt-id') === id)) return 'allowed';
  if (!raw.frame('ERROR')) throw new Error(`closed without ERROR after SUBSCRIBE ${destination}`);
  return 'refused';
}

export { header as frameHeader };
