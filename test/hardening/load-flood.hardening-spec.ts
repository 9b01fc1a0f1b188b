import { StompBroker } from '@app/stomp';
import { createRoom } from '../factories/rooms';
import { createUser } from '../factories/users';
import { RawStompSocket, StompTestClient } from '../helpers/stomp-client';
import { startTestApp, TestApp } from '../helpers/test-app';
import { recordHardening } from './summary';
import { loop, ReceiptedSender, waitFor } from './support/chat-traffic';

const SILENT_SOCKETS = 500;
const BAD_TOKEN_CONNECTS = 300;
const MAX_PER_ADDRESS = 100;

async function openRaw(url: string): Promise<RawStompSocket | undefined> {
  try {
    return await RawStompSocket.open(url);
  } catch {
    return undefined;
  }
}

/**
 * Connection floods from one address stay bounded: sockets past STOMP_MAX_SESSIONS_PER_IP are
 * refused (1008), sockets that never CONNECT are closed after STOMP_CONNECT_TIMEOUT_MS, CONNECTs
 * with bad tokens get ERROR and a close; an established pair keeps chatting throughout.
 */
describe('connection flood', () => {
  let t: TestApp;
  let broker: StompBroker;
  const raws: RawStompSocket[] = [];
  const clients: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      STOMP_MAX_SESSIONS_PER_IP: String(MAX_PER_ADDRESS),
      STOMP_CONNECT_TIMEOUT_MS: '1000',
    });
    broker = t.app.get(StompBroker);
  });

  afterAll(async () => {
    for (const r of raws) r.close();
    await Promise.all(clients.map((c) => c.close()));
    await t?.close();
  });

  it('bounds silent sockets and bad-token CONNECTs while an established pair keeps exchanging messages', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const room = await createRoom(t, alice, { members: [bob] });
    const topic = `/topic/rooms/${room.id}`;
    const sender = await ReceiptedSender.connect(t.url, alice.token, 'flood-alice');
    const receiver = await StompTestClient.connect(t.url, bob.token);
    clients.push(sender, receiver);
    await receiver.subscribeConfirmed(topic);

    let stop = false;
    const chatter = loop(
      () => stop,
      100,
      () => sender.send(room.id),
    );

    // 1. A burst of sockets that never send CONNECT.
    const silent = (await Promise.all(Array.from({ length: SILENT_SOCKETS }, () => openRaw(t.url)))).filter(
      (r): r is RawStompSocket => r !== undefined,
    );
    raws.push(...silent);
    const peakSessions = broker.stats().sessions;
    await waitFor(() => silent.every((r) => r.closed), 'every silent socket to be closed', 30_000);
    const refused = silent.filter((r) => r.closeCode === 1008).length;
    const timedOut = silent.filter(
      (r) => r.closeCode === 1002 && r.frames.some((f) => f.includes('CONNECT timeout')),
    );

    // 2. A burst of CONNECTs with bad tokens, in waves that fit under the per-address cap.
    const badOutcomes: string[] = [];
    for (let wave = 0; wave < BAD_TOKEN_CONNECTS / 50; wave++) {
      // Each socket sends its CONNECT as soon as it is open: on a loaded machine, opening all 50
      // first can take longer than the 1 s CONNECT timeout, which would close the first ones.
      const sockets = (
        await Promise.all(
          Array.from({ length: 50 }, async (_, i) => {
            const r = await openRaw(t.url);
            r?.send(`CONNECT\naccept-version:1.2\nhost:localhost\nX-Auth-Token:forged.${wave}.${i}\n\n\0`);
            return r;
          }),
        )
      ).filter((r): r is RawStompSocket => r !== undefined);
      raws.push(...sockets);
      await waitFor(() => sockets.every((r) => r.closed), 'every bad-token socket to be closed', 20_000);
      for (const r of sockets)
        badOutcomes.push(
          r.frame('ERROR')?.includes('message:Unauthorized') ? 'unauthorized' : `close ${r.closeCode}`,
        );
    }

    stop = true;
    await chatter;
    const final = await sender.send(room.id);
    const acknowledged = sender.acknowledged();
    await receiver.waitForMessages(topic, acknowledged.length, 20_000);
    const received = new Set(receiver.bodies<{ content: string }>(topic).map((m) => m.content));
    const delivered = acknowledged.filter((o) => received.has(o.content)).length;
    await waitFor(() => broker.stats().sessions === 2, 'only the pair left on the server', 10_000);

    recordHardening('load-connection-flood', {
      faultsInjected: 2,
      faultsSurvived: delivered === acknowledged.length && final.kind === 'receipt' ? 2 : 0,
      messagesAcknowledged: acknowledged.length,
      acknowledgedFound: delivered,
      badInputsTried: BAD_TOKEN_CONNECTS,
      notes: {
        silentSockets: silent.length,
        refused1008: refused,
        connectTimeouts: timedOut.length,
        peakSessions,
        maxPerAddress: MAX_PER_ADDRESS,
        unauthorized: badOutcomes.filter((o) => o === 'unauthorized').length,
        connectionsRefused: broker.stats().connectionsRefused,
      },
    });

    // Silent sockets: never more than the cap held at once, the rest refused, every one closed.
    expect(peakSessions).toBeLessThanOrEqual(MAX_PER_ADDRESS);
    // (How many are refused depends on how fast the burst opens against the 1 s CONNECT timeout.)
    expect(refused).toBeGreaterThan(0);
    expect(refused + timedOut.length).toBe(silent.length);
    // Bad tokens: each one refused with ERROR Unauthorized.
    expect(badOutcomes.filter((o) => o !== 'unauthorized')).toEqual([]);
    // The established pair never noticed.
    expect(acknowledged.length).toBe(sender.outcomes.length);
    expect(delivered).toBe(acknowledged.length);
    expect(sender.client.closed || receiver.closed).toBe(false);
  });
});
