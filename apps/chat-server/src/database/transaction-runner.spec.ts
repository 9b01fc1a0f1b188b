import { DataSource } from 'typeorm';
import { TransactionRunner } from './transaction-runner';

describe('TransactionRunner (SQLite)', () => {
  let dataSource: DataSource;
  let runner: TransactionRunner;

  beforeEach(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE t (v TEXT NOT NULL)');
    runner = new TransactionRunner(dataSource);
  });

  afterEach(() => dataSource.destroy());

  const values = async () =>
    ((await dataSource.query('SELECT v FROM t ORDER BY v')) as { v: string }[]).map((r) => r.v);

  it('runs transactions one after another, so one rollback never takes another one`s rows', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const failing = runner.transaction(async (m) => {
      order.push('first begins');
      await m.query("INSERT INTO t (v) VALUES ('lost')");
      await held;
      order.push('first fails');
      throw new Error('rolled back');
    });
    const second = runner.transaction(async (m) => {
      order.push('second begins');
      await m.query("INSERT INTO t (v) VALUES ('kept')");
    });
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await expect(failing).rejects.toThrow('rolled back');
    await second;
    expect(order).toEqual(['first begins', 'first fails', 'second begins']);
    expect(await values()).toEqual(['kept']);
  });

  it('returns what the work returns and keeps going after a failure', async () => {
    await expect(runner.transaction(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    const result = await runner.transaction(async (m) => {
      await m.query("INSERT INTO t (v) VALUES ('a')");
      return 42;
    });
    expect(result).toBe(42);
    expect(await values()).toEqual(['a']);
  });
});
