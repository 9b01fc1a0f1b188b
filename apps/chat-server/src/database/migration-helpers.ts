import { QueryRunner, TableColumnOptions } from 'typeorm';

/**
 * Column builders for migrations written with TypeORM's Table API, so one migration creates
 * the same schema on MySQL/MariaDB and on the embedded SQLite default. Strings are utf8mb4 on
 * MySQL (emoji are ordinary chat content); "key" columns hold normalised values compared
 * byte-for-byte (utf8mb4_bin), so uniqueness is the same on both databases.
 */
export function columns(q: QueryRunner) {
  const type = q.connection.driver.options.type;
  const mysql = type === 'mysql' || type === 'mariadb';
  const charset = (binary: boolean): Partial<TableColumnOptions> =>
    mysql ? { charset: 'utf8mb4', collation: binary ? 'utf8mb4_bin' : 'utf8mb4_unicode_ci' } : {};

  return {
    id: (name = 'id'): TableColumnOptions => ({
      name,
      type: 'integer',
      isPrimary: true,
      isGenerated: true,
      generationStrategy: 'increment',
    }),
    int: (name: string, nullable = false, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
      name,
      type: 'integer',
      isNullable: nullable,
      ...extra,
    }),
    str: (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
      ...charset(false),
    }),
    key: (name: string, length: number, nullable = false): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
      ...charset(true),
    }),
    text: (name: string): TableColumnOptions => ({
      name,
      type: 'text',
      isNullable: false,
      ...charset(false),
    }),
    datetime: (name: string, nullable = false): TableColumnOptions => ({
      name,
      type: 'datetime',
      precision: 3,
      isNullable: nullable,
    }),
    bool: (name: string, defaultValue: boolean): TableColumnOptions => ({
      name,
      type: 'boolean',
      isNullable: false,
      default: defaultValue ? 1 : 0,
    }),
  };
}
