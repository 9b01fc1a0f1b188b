import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createRoom } from './factories/rooms';
import { createUser } from './factories/users';
import { ensureBuilt, startBuiltServer } from './helpers/built-server';
import { StompTestClient } from './helpers/stomp-client';
import { TestApp } from './helpers/test-app';

/**
 * SIGTERM while clients are sending: the process exits 0, every send that got a RECEIPT is in the
 * database, and every client is told (ERROR "Server shutting down", close 1012) so it reconnects.
 */
describe('graceful shutdown under live traffic (built server)', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'chat-sigterm-'));
  }, 300_000);
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('loses no acknowledged message and exits 0', async () => {
    const sqlite = join(dir, 'chat.sqlite');
    const server = await startBuiltServer(
      {
        NODE_ENV: 'production',
        DATA_DIR: join(dir, 'data'),
        DATABASE_URL: `sqlite:${sqlite}`,
        JWT_SECRET: 'shutdown-test-secret-that-is-long-enough-0123456789',
        ARGON2_MEMORY_KIB: '1024',
        ARGON2_TIME_COST: '1',
        LOG_LEVEL: 'warn',
        SHUTDOWN_TIMEOUT_MS: '8000',
      },
      dir,
    );
    const t = { url: server.url } as TestApp;
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const room = await createRoom(t, alice, { members: [bob] });
    const senders = [
      await StompTestClient.connect(t.url, alice.token),
      await StompTestClient.connect(t.url, bob.token, { transport: 'sockjs' }),
    ];
    const acknowledged: string[] = [];
    let sending = true;
    const loops = senders.map(async (c, i) => {
      for (let n = 0; sending && !c.closed; n++) {
        const content = `s${i}-${n}`;
        try {
          await c.sendConfirmed('/app/chat.sendMessage', { roomId: room.id, content }, {});
          acknowledged.push(content);
        } catch {
          return; // no RECEIPT: the connection went away with the server
        }
      }
    });
    await senders[0].until(() => acknowledged.length >= 40, '40 acknowledged sends before SIGTERM', 20_000);
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    sending = false;
    await Promise.all(loops);
    expect(exit).toEqual({ code: 0, signal: null });
    for (const c of senders) {
      expect(c.closed).toBe(true);
      expect(c.errors.map((e) => e.headers.message)).toContain('Server shutting down');
    }
    const db = await new DataSource({
      type: 'better-sqlite3',
      database: sqlite,
      readonly: true,
    }).initialize();
    try {
      const rows: { content: string }[] = await db.query('SELECT content FROM messages WHERE room_id = ?', [
        room.id,
      ]);
      const stored = new Set(rows.map((r) => r.content));
      expect(acknowledged.filter((c) => !stored.has(c))).toEqual([]);
      expect(stored.size).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      await db.destroy();
    }
    // Nothing listens any more.
    await expect(request(t.url).get('/health')).rejects.toThrow();
  }, 120_000);
});
