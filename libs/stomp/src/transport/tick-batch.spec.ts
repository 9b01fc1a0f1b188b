import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { OutboundFrame } from './outbound-frame';
import { WebSocketConnection } from './websocket.connection';

/** What a connection did to its TCP socket, in order: a direct write, or a corked batch of writes. */
type Op = { write: string } | { batch: string[] };

function connection(): { conn: WebSocketConnection; ops: Op[]; closes: number[] } {
  const ops: Op[] = [];
  const closes: number[] = [];
  let corked: string[] | undefined;
  const socket = {
    destroyed: false,
    writableLength: 0,
    bytesWritten: 0,
    setNoDelay: () => undefined,
    cork: () => (corked = []),
    uncork: () => {
      ops.push({ batch: corked ?? [] });
      corked = undefined;
    },
    // the STOMP bytes of a WebSocket text frame under 126 bytes start after a 2-byte header
    write: (bytes: Buffer) => {
      const text = bytes.subarray(2).toString();
      if (corked) corked.push(text);
      else ops.push({ write: text });
      return true;
    },
  } as unknown as Socket;
  const ws = {
    readyState: WebSocket.OPEN,
    on: () => undefined,
    close: (code: number) => closes.push(code),
    terminate: () => undefined,
  } as unknown as WebSocket;
  const request = { socket: { remoteAddress: '127.0.0.1' }, headers: {} } as unknown as IncomingMessage;
  return { conn: new WebSocketConnection(ws, socket, request), ops, closes };
}

const frame = (text: string): OutboundFrame => new OutboundFrame(Buffer.from(text));
const turnEnd = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

describe('per-turn write batching (tick-batch.ts, WebSocketConnection)', () => {
  it('writes the first frame of a turn at once and corks the rest into one batch at its end', async () => {
    const { conn, ops } = connection();
    conn.write(frame('a'));
    conn.write(frame('b'));
    conn.write(frame('c'));
    expect(ops).toEqual([{ write: 'a' }]);
    await turnEnd();
    expect(ops).toEqual([{ write: 'a' }, { batch: ['b', 'c'] }]);
  });

  it('batches frames of different callbacks of one turn (other sessions read in the same phase)', async () => {
    const { conn, ops } = connection();
    // two callbacks of one check phase, as two sockets' reads are callbacks of one poll phase
    await new Promise<void>((resolve) => {
      setImmediate(() => conn.write(frame('from-1')));
      setImmediate(() => {
        conn.write(frame('from-2'));
        queueMicrotask(() => conn.write(frame('from-2-later')));
        process.nextTick(() => conn.write(frame('from-2-tick')));
        resolve();
      });
    });
    expect(ops).toEqual([{ write: 'from-1' }]);
    await turnEnd();
    expect(ops).toEqual([{ write: 'from-1' }, { batch: ['from-2', 'from-2-tick', 'from-2-later'] }]);
  });

  it('starts a new turn after the batch: the next frame is written at once again', async () => {
    const { conn, ops } = connection();
    conn.write(frame('a'));
    conn.write(frame('b'));
    conn.write(frame('c'));
    await turnEnd();
    conn.write(frame('d'));
    expect(ops).toEqual([{ write: 'a' }, { batch: ['b', 'c'] }, { write: 'd' }]);
  });

  it('keeps every connection its own order and batch', async () => {
    const one = connection();
    const two = connection();
    one.conn.write(frame('1a'));
    two.conn.write(frame('2a'));
    one.conn.write(frame('1b'));
    two.conn.write(frame('2b'));
    two.conn.write(frame('2c'));
    await turnEnd();
    // a single held frame needs no cork
    expect(one.ops).toEqual([{ write: '1a' }, { write: '1b' }]);
    expect(two.ops).toEqual([{ write: '2a' }, { batch: ['2b', '2c'] }]);
  });

  it('hands held frames to the socket before its close frame', () => {
    const { conn, ops, closes } = connection();
    conn.write(frame('a'));
    conn.write(frame('error'));
    conn.close(1002, 'bye', 10);
    expect(ops).toEqual([{ write: 'a' }, { write: 'error' }]);
    expect(closes).toEqual([1002]);
  });
});
