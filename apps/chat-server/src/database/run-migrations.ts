import { DataSource } from 'typeorm';

/** How long an instance waits for another one's migrations before giving up (seconds). */
export const MIGRATION_LOCK_TIMEOUT_SECONDS = 300;

/**
 * Runs the pending migrations, one instance at a time. On MySQL/MariaDB several instances may
 * start at once on the same (empty) database: each takes a named lock (`GET_LOCK`, per database)
 * on a connection of its own first, so the first one migrates and the others wait, then find
 * nothing pending. SQLite is one file of one process.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'mysql') {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ db }] = (await runner.query('SELECT DATABASE() AS db')) as Array<{ db: string }>;
    const lock = `chat-migrations:${db}`.slice(0, 64);
    const [{ got }] = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [
      lock,
      MIGRATION_LOCK_TIMEOUT_SECONDS,
    ])) as Array<{ got: number | string | null }>;
    if (Number(got) !== 1) {
      throw new Error(
        `Another instance held the migration lock for ${MIGRATION_LOCK_TIMEOUT_SECONDS} s: not starting`,
      );
    }
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [lock]);
    }
  } finally {
    await runner.release();
  }
}
