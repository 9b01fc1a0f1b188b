import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../common/filters/all-exceptions.filter';
import { ENTITIES, MIGRATIONS } from '../database/data-source-options';
import { TransactionRunner } from '../database/transaction-runner';
import { Message } from './message.entity';
import { MessageWriter } from './message-writer';
import { ReadStateRepository } from '../read-state/read-state.repository';
import { MessagesRepository, NewMessage } from './messages.repository';

describe('MessageWriter (SQLite)', () => {
  let dataSource: DataSource;
  let writer: MessageWriter;
  let statements: string[];
  let roomA: number;
  let roomB: number;
  let sender: number;
  let failMultiRow: Error | undefined;

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: ENTITIES,
      migrations: MIGRATIONS,
      migrationsRun: true,
    });
    await dataSource.initialize();
    await dataSource.query(
      "INSERT INTO users (username, username_key, email, email_key, password_hash, roles, created_at) VALUES ('u', 'u', 'u@x.io', 'u@x.io', 'h', 'ROLE_USER', '2026-01-01 00:00:00')",
    );
    sender = Number((await dataSource.query('SELECT id FROM users'))[0].id);
    for (const name of ['a', 'b'])
      await dataSource.query(
        "INSERT INTO rooms (name, name_key, type, creator_id, created_at) VALUES (?, ?, 'PUBLIC', ?, '2026-01-01 00:00:00')",
        [name, name, sender],
      );
    [roomA, roomB] = (await dataSource.query('SELECT id FROM rooms ORDER BY id')).map((r: { id: number }) =>
      Number(r.id),
    );
    writer = new MessageWriter(
      dataSource,
      new MessagesRepository(dataSource, new TransactionRunner(dataSource)),
      new ReadStateRepository(dataSource),
    );
    statements = [];
    failMultiRow = undefined;
    const wrapped = new WeakSet<object>();
    const query = dataSource.driver.createQueryRunner.bind(dataSource.driver);
    jest.spyOn(dataSource.driver, 'createQueryRunner').mockImplementation((mode) => {
      const runner = query(mode);
      // SQLite hands out one shared runner: wrap it once
      if (wrapped.has(runner)) return runner;
      wrapped.add(runner);
      const run = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        if (/^INSERT INTO .?messages/i.test(sql)) statements.push(sql);
        if (failMultiRow && /\), \(/.test(sql)) return Promise.reject(failMultiRow);
        return (run as (...a: unknown[]) => unknown)(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await dataSource.destroy();
  });

  const msg = (roomId: number, content: string, clientMessageId: string | null = null): NewMessage => ({
    roomId,
    senderId: sender,
    content,
    sentAt: new Date('2026-05-01T10:00:00.123Z'),
    clientMessageId,
  });

  const stored = async () =>
    (await dataSource.query('SELECT id, room_id, content, sent_at FROM messages ORDER BY id')) as Array<{
      id: number;
      room_id: number;
      content: string;
      sent_at: string;
    }>;

  it('writes a lone send at once, then batches the sends that queued behind it, ids in arrival order', async () => {
    const first = writer.write(msg(roomA, 'm0'));
    const rest = Array.from({ length: 20 }, (_, i) => writer.write(msg(i % 2 ? roomA : roomB, `m${i + 1}`)));
    const ids = await Promise.all([first, ...rest]);
    expect(statements).toHaveLength(2); // the lone first send, then one multi-row INSERT
    const rows = await stored();
    expect(rows.map((r) => r.content)).toEqual(Array.from({ length: 21 }, (_, i) => `m${i}`));
    expect(ids).toEqual(rows.map((r) => Number(r.id)));
    expect(rows[5].room_id).toBe(roomB);
    expect(rows[0].sent_at).toBe(rows[20].sent_at);
    // both statements are plain SQL: the stored form must be what TypeORM's own insert writes
    await dataSource.getRepository(Message).insert(msg(roomA, 'through TypeORM'));
    expect((await stored()).at(-1)?.sent_at).toBe(rows[0].sent_at);
  });

  it('settles its callers in queue order, across batches and within one (pipelined sends rely on it)', async () => {
    const settled: string[] = [];
    const write = (content: string, clientMessageId: string | null = null) =>
      writer.write(msg(roomA, content, clientMessageId)).then(
        () => void settled.push(content),
        () => void settled.push(`${content} failed`),
      );
    // A duplicate clientMessageId makes its batch fall back to one INSERT per row.
    const writes = Array.from({ length: 30 }, (_, i) => write(`m${i}`, i === 12 ? 'dup-x' : null));
    writes.push(write('dup', 'dup-x'), write('last'));
    await Promise.all(writes);
    expect(statements.length).toBeGreaterThan(2);
    expect(settled).toEqual([...Array.from({ length: 30 }, (_, i) => `m${i}`), 'dup failed', 'last']);
  });

  it('falls back to one INSERT per row when a batch hits a duplicate clientMessageId', async () => {
    await writer.write(msg(roomA, 'original', 'dup-1'));
    statements.length = 0;
    const blocker = writer.write(msg(roomA, 'first'));
    const results = await Promise.allSettled([
      blocker,
      writer.write(msg(roomA, 'ok-1', 'c-1')),
      writer.write(msg(roomA, 'again', 'dup-1')),
      writer.write(msg(roomB, 'ok-2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(isUniqueViolation((results[2] as PromiseRejectedResult).reason)).toBe(true);
    expect((await stored()).map((r) => r.content)).toEqual(['original', 'first', 'ok-1', 'ok-2']);
    const ids = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(ids).toEqual((await stored()).slice(1).map((r) => Number(r.id)));
  });

  it('rejects every caller of a batch with the same error when the database fails', async () => {
    const blocker = writer.write(msg(roomA, 'first'));
    failMultiRow = new Error('Connection lost: The server closed the connection.');
    const failure = failMultiRow;
    const batch = [writer.write(msg(roomA, 'x')), writer.write(msg(roomB, 'y'))];
    await expect(blocker).resolves.toEqual(expect.any(Number));
    const settled = await Promise.allSettled(batch);
    expect(settled.map((r) => (r as PromiseRejectedResult).reason)).toEqual([failure, failure]);
  });
});
