import type { DataSource } from 'typeorm';
import { boundMysqlWaits, POOL_ACQUIRE_TIMEOUT, QUERY_TIMEOUT } from './query-timeouts';

type Cb = (err: Error | null, result?: unknown) => void;

/** A pool whose getConnection answers only when the test says so. */
function fakePool() {
  const waiting: ((err: Error | null, c?: unknown) => void)[] = [];
  const connection = {
    released: 0,
    destroyed: 0,
    calls: [] as unknown[][],
    query: jest.fn(),
    release() {
      this.released++;
    },
    stream: { destroy: () => connection.destroyed++ },
  };
  connection.query = jest.fn((...args: unknown[]) => connection.calls.push(args));
  const pool = { getConnection: (cb: (err: Error | null, c?: unknown) => void) => waiting.push(cb) };
  const dataSource = { driver: { pool } } as unknown as DataSource;
  return { pool, connection, waiting, dataSource };
}

describe('boundMysqlWaits', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fails a wait for a pooled connection after the timeout, and returns a late connection to the pool', () => {
    const { pool, connection, waiting, dataSource } = fakePool();
    boundMysqlWaits(dataSource, 500);
    const cb = jest.fn();
    pool.getConnection(cb);
    jest.advanceTimersByTime(499);
    expect(cb).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(cb).toHaveBeenCalledWith(expect.objectContaining({ code: POOL_ACQUIRE_TIMEOUT }));
    waiting[0](null, connection);
    expect(connection.released).toBe(1);
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it('gives every query a timeout and drops a connection whose query timed out, answering once', () => {
    const { pool, connection, waiting, dataSource } = fakePool();
    boundMysqlWaits(dataSource, 500);
    const got = jest.fn();
    pool.getConnection(got);
    waiting[0](null, connection);
    const conn = got.mock.calls[0][1] as { query: (...a: unknown[]) => void };

    const done = jest.fn();
    conn.query('SELECT 1', [], done);
    conn.query({ sql: 'SELECT 2', timeout: 50 }, [], done);
    expect(connection.calls[0][0]).toEqual({ sql: 'SELECT 1', timeout: 500 });
    expect(connection.calls[1][0]).toEqual({ sql: 'SELECT 2', timeout: 50 });

    const answer = connection.calls[0][2] as Cb;
    answer(Object.assign(new Error('Query inactivity timeout'), { code: QUERY_TIMEOUT }));
    answer(new Error('Connection lost'));
    expect(done).toHaveBeenCalledTimes(1);
    expect(connection.destroyed).toBe(1);
  });
});
